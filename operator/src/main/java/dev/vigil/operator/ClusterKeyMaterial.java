package dev.vigil.operator;

import dev.vigil.api.LocalObjectKeyRef;
import dev.vigil.scan.PolicyAuthorities;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads the keys and trusted roots a policy names, from its own namespace, with single GETs. */
final class ClusterKeyMaterial implements PolicyAuthorities.KeyMaterial {

  private final KubernetesClient client;
  private final String namespace;

  ClusterKeyMaterial(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  @Override
  public byte[] secret(LocalObjectKeyRef ref) throws PolicyAuthorities.InvalidAuthorityException {
    Secret secret = client.secrets().inNamespace(namespace).withName(ref.name).get();
    if (secret == null) {
      throw new PolicyAuthorities.InvalidAuthorityException("Secret " + namespace + "/" + ref.name + " does not exist");
    }
    if (secret.getData() != null && secret.getData().containsKey(ref.key)) {
      return Base64.getDecoder().decode(secret.getData().get(ref.key));
    }
    if (secret.getStringData() != null && secret.getStringData().containsKey(ref.key)) {
      return secret.getStringData().get(ref.key).getBytes(StandardCharsets.UTF_8);
    }
    throw new PolicyAuthorities.InvalidAuthorityException(
        "Secret " + namespace + "/" + ref.name + " has no key '" + ref.key + "'");
  }

  @Override
  public byte[] configMap(LocalObjectKeyRef ref) throws PolicyAuthorities.InvalidAuthorityException {
    ConfigMap map = client.configMaps().inNamespace(namespace).withName(ref.name).get();
    if (map == null) {
      throw new PolicyAuthorities.InvalidAuthorityException("ConfigMap " + namespace + "/" + ref.name + " does not exist");
    }
    if (map.getData() != null && map.getData().containsKey(ref.key)) {
      return map.getData().get(ref.key).getBytes(StandardCharsets.UTF_8);
    }
    if (map.getBinaryData() != null && map.getBinaryData().containsKey(ref.key)) {
      return Base64.getDecoder().decode(map.getBinaryData().get(ref.key));
    }
    throw new PolicyAuthorities.InvalidAuthorityException(
        "ConfigMap " + namespace + "/" + ref.name + " has no key '" + ref.key + "'");
  }
}

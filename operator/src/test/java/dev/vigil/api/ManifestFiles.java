package dev.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.testsupport.ProjectFiles;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The YAML manifests of the checkout (CRDs, samples, broken samples) and how tests write them. */
final class ManifestFiles {

  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  static final String FIELD_MANAGER = "vigil-samples";

  private ManifestFiles() {}

  static Path samplesDir() {
    return ProjectFiles.root().resolve("samples");
  }

  static Path brokenSamplesDir() {
    return ProjectFiles.root().resolve("operator/src/test/resources/samples-broken");
  }

  static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode readTree(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return SERIALIZATION.unmarshal(in, JsonNode.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The manifest as an untyped object, moved into {@code namespace}. */
  static GenericKubernetesResource read(Path file, String namespace) {
    GenericKubernetesResource resource = SERIALIZATION.convertValue(readTree(file), GenericKubernetesResource.class);
    resource.getMetadata().setNamespace(namespace);
    return resource;
  }

  static JsonNode tree(Object value) {
    return SERIALIZATION.convertValue(value, JsonNode.class);
  }

  /**
   * Server-side apply, as {@code kubectl apply --server-side} does, with unknown fields an error.
   * A status in the manifest goes through the status subresource (the main resource ignores it),
   * as Vigil writes its reports. Returns the object as stored.
   */
  static GenericKubernetesResource apply(KubernetesClient admin, GenericKubernetesResource manifest) {
    GenericKubernetesResource main = withoutStatus(manifest);
    admin.resource(main).fieldValidation(Validation.STRICT).fieldManager(FIELD_MANAGER).forceConflicts()
        .serverSideApply();
    Object status = manifest.getAdditionalProperties().get("status");
    if (status != null) {
      PatchContext apply = PatchContext.of(PatchType.SERVER_SIDE_APPLY);
      apply.setFieldManager(FIELD_MANAGER);
      apply.setForce(true);
      apply.setFieldValidation("Strict");
      admin.resource(manifest).subresource("status").patch(apply);
    }
    return get(admin, manifest);
  }

  /**
   * Plain create (POST), then the status (PUT on the status subresource) when the manifest has
   * one. Unlike server-side apply, which the 1.26 API server answers with a 500 for a type error
   * or a duplicate list key, these get a 422 whose causes name the field.
   */
  static GenericKubernetesResource create(KubernetesClient admin, GenericKubernetesResource manifest) {
    GenericKubernetesResource created =
        admin.resource(withoutStatus(manifest)).fieldValidation(Validation.STRICT).create();
    Object status = manifest.getAdditionalProperties().get("status");
    if (status != null) {
      created.setAdditionalProperty("status", status);
      created = admin.resource(created).fieldValidation(Validation.STRICT).updateStatus();
    }
    return created;
  }

  static GenericKubernetesResource get(KubernetesClient admin, GenericKubernetesResource manifest) {
    return admin.genericKubernetesResources(manifest.getApiVersion(), manifest.getKind())
        .inNamespace(manifest.getMetadata().getNamespace()).withName(manifest.getMetadata().getName()).get();
  }

  private static GenericKubernetesResource withoutStatus(GenericKubernetesResource manifest) {
    GenericKubernetesResource copy = SERIALIZATION.clone(manifest);
    copy.getAdditionalProperties().remove("status");
    return copy;
  }

  /**
   * Asserts that every field {@code expected} sets is in {@code actual} with the same value: the
   * server may add (defaults), but not drop or change.
   */
  static void assertContains(JsonNode expected, JsonNode actual, String path) {
    assertNotNull(actual, path + " is missing");
    if (expected.isObject()) {
      assertTrue(actual.isObject(), path + " is " + actual + ", not an object");
      Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        assertContains(f.getValue(), actual.get(f.getKey()), path + "." + f.getKey());
      }
    } else if (expected.isArray()) {
      assertTrue(actual.isArray(), path + " is " + actual + ", not a list");
      assertEquals(expected.size(), actual.size(), path + " has " + actual);
      for (int i = 0; i < expected.size(); i++) {
        assertContains(expected.get(i), actual.get(i), path + "[" + i + "]");
      }
    } else if (expected.isNumber()) {
      assertTrue(actual.isNumber() && expected.decimalValue().compareTo(actual.decimalValue()) == 0,
          path + ": expected " + expected + " but is " + actual);
    } else {
      assertEquals(expected, actual, path);
    }
  }
}

package dev.vigil.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Registry credentials from Kubernetes image pull secrets, looked up the way the kubelet's
 * credential keyring does: an entry's key is a URL (scheme optional) naming a host, optionally
 * with a port and a path; it matches an image when the port is equal, the host has the same
 * number of dot-separated parts and each part matches as a glob ("*.example.com"), and the
 * entry's path is a prefix of the image's path. More specific keys come first. Docker Hub's
 * names docker.io, index.docker.io and registry-1.docker.io stand for each other.
 *
 * <p>Instances are immutable; {@link #and(RegistryCredentials)} combines secrets in order.
 */
public final class RegistryCredentials {

  /** Secret type of a "~/.docker/config.json" shaped secret, key ".dockerconfigjson". */
  public static final String TYPE_DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";

  /** Secret type of a legacy "~/.dockercfg" shaped secret, key ".dockercfg". */
  public static final String TYPE_DOCKERCFG = "kubernetes.io/dockercfg";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> HUB_ALIASES =
      List.of("docker.io", "index.docker.io", "registry-1.docker.io");

  /** Entry keys in insertion order, each with its credentials in the order they were added. */
  private final Map<String, List<Credential>> entries;

  private RegistryCredentials(Map<String, List<Credential>> entries) {
    this.entries = entries;
  }

  /** No credentials: every registry is accessed anonymously. */
  public static RegistryCredentials none() {
    return new RegistryCredentials(Map.of());
  }

  /** One credential for one key ("registry.example.com", "*.example.com/team", ...). */
  public static RegistryCredentials of(String key, Credential credential) {
    Map<String, List<Credential>> map = new LinkedHashMap<>();
    map.put(normaliseKey(key), List.of(credential));
    return new RegistryCredentials(map);
  }

  /**
   * Reads a secret's data by its type: {@value #TYPE_DOCKER_CONFIG_JSON} (key
   * ".dockerconfigjson") or {@value #TYPE_DOCKERCFG} (key ".dockercfg").
   *
   * @throws IllegalArgumentException when the type is another one, the key is missing or the
   *     content is malformed
   */
  public static RegistryCredentials fromSecret(String type, Map<String, byte[]> data) {
    if (TYPE_DOCKER_CONFIG_JSON.equals(type)) {
      return fromDockerConfigJson(require(data, ".dockerconfigjson", type));
    }
    if (TYPE_DOCKERCFG.equals(type)) {
      return fromDockercfg(require(data, ".dockercfg", type));
    }
    throw new IllegalArgumentException(
        "secret type \"" + type + "\" holds no registry credentials (expected "
            + TYPE_DOCKER_CONFIG_JSON + " or " + TYPE_DOCKERCFG + ")");
  }

  private static byte[] require(Map<String, byte[]> data, String key, String type) {
    byte[] value = data == null ? null : data.get(key);
    if (value == null || value.length == 0) {
      throw new IllegalArgumentException("secret of type " + type + " has no \"" + key + "\" data");
    }
    return value;
  }

  /** Parses a ".dockerconfigjson" document: {@code {"auths": {"<key>": {...}}}}. */
  public static RegistryCredentials fromDockerConfigJson(byte[] json) {
    JsonNode root = parse(json, ".dockerconfigjson");
    JsonNode auths = root.get("auths");
    if (auths == null || !auths.isObject()) {
      throw new IllegalArgumentException(".dockerconfigjson has no \"auths\" object");
    }
    return fromEntries(auths, ".dockerconfigjson");
  }

  /** Parses a legacy ".dockercfg" document: {@code {"<key>": {...}}}. */
  public static RegistryCredentials fromDockercfg(byte[] json) {
    JsonNode root = parse(json, ".dockercfg");
    if (!root.isObject()) {
      throw new IllegalArgumentException(".dockercfg is not a JSON object");
    }
    return fromEntries(root, ".dockercfg");
  }

  private static JsonNode parse(byte[] json, String what) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null) {
        throw new IllegalArgumentException(what + " is empty");
      }
      return node;
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static RegistryCredentials fromEntries(JsonNode entriesNode, String what) {
    Map<String, List<Credential>> map = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = entriesNode.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = normaliseKey(field.getKey());
      Credential credential = credentialOf(field.getKey(), field.getValue(), what);
      map.computeIfAbsent(key, k -> new ArrayList<>()).add(credential);
    }
    return new RegistryCredentials(freeze(map));
  }

  private static Credential credentialOf(String key, JsonNode entry, String what) {
    if (!entry.isObject()) {
      throw new IllegalArgumentException(what + " entry \"" + key + "\" is not an object");
    }
    String auth = text(entry, "auth");
    if (auth != null && !auth.isEmpty()) {
      // Like the kubelet: "auth" wins over username/password; padded or unpadded base64.
      byte[] decoded;
      try {
        decoded = Base64.getDecoder().decode(auth.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            what + " entry \"" + key + "\": \"auth\" is not base64", e);
      }
      String pair = new String(decoded, StandardCharsets.UTF_8);
      int colon = pair.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            what + " entry \"" + key + "\": \"auth\" must be base64(username:password)");
      }
      return new Credential(pair.substring(0, colon), pair.substring(colon + 1));
    }
    String username = text(entry, "username");
    String password = text(entry, "password");
    return new Credential(username == null ? "" : username, password == null ? "" : password);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /**
   * The kubelet's key: scheme removed, "/v1/" or "/v2/" path prefixes count as the bare
   * host, a remaining path kept.
   */
  static String normaliseKey(String location) {
    String value = location.trim();
    if (!value.startsWith("https://") && !value.startsWith("http://")) {
      value = "https://" + value;
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("registry key \"" + location + "\" is not a URL", e);
    }
    String host = uri.getRawAuthority();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("registry key \"" + location + "\" names no host");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (path.startsWith("/v2/") || path.startsWith("/v1/")) {
      path = path.substring(3);
    }
    return path.isEmpty() || path.equals("/") ? host : host + path;
  }

  private static Map<String, List<Credential>> freeze(Map<String, List<Credential>> map) {
    Map<String, List<Credential>> frozen = new LinkedHashMap<>();
    map.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(frozen);
  }

  /** These credentials followed by another secret's; same keys keep both, these first. */
  public RegistryCredentials and(RegistryCredentials other) {
    Map<String, List<Credential>> map = new LinkedHashMap<>();
    entries.forEach((k, v) -> map.put(k, new ArrayList<>(v)));
    other.entries.forEach((k, v) -> map.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    return new RegistryCredentials(freeze(map));
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Credentials to try for a repository, most specific key first. */
  public List<Credential> lookup(Repository repository) {
    return lookup(repository.registry() + "/" + repository.name());
  }

  /**
   * Credentials to try for an image name without tag ("docker.io/library/nginx",
   * "registry.example.com:5000/team/app"), most specific key first, none when nothing
   * matches.
   */
  public List<Credential> lookup(String image) {
    // Sorted in reverse so that "quay.io/team" comes before "quay.io", as the kubelet does.
    TreeSet<String> keys = new TreeSet<>(Collections.reverseOrder());
    keys.addAll(entries.keySet());
    Set<Credential> found = new LinkedHashSet<>();
    List<String> targets = targetsFor(image);
    for (String key : keys) {
      for (String target : targets) {
        if (matches(key, target)) {
          found.addAll(entries.get(key));
          break;
        }
      }
    }
    if (found.isEmpty() && isDockerHubImage(image)) {
      for (String alias : HUB_ALIASES) {
        List<Credential> hostOnly = entries.get(alias);
        if (hostOnly != null) {
          found.addAll(hostOnly);
        }
      }
    }
    return List.copyOf(found);
  }

  /** The image itself, and for Docker Hub images the same path under each alias host. */
  private static List<String> targetsFor(String image) {
    int slash = image.indexOf('/');
    String host = slash < 0 ? image : image.substring(0, slash);
    if (slash >= 0 && HUB_ALIASES.contains(host)) {
      String path = image.substring(slash);
      List<String> targets = new ArrayList<>();
      for (String alias : HUB_ALIASES) {
        targets.add(alias + path);
      }
      return targets;
    }
    return List.of(image);
  }

  /** The kubelet's isDefaultRegistryMatch. */
  private static boolean isDockerHubImage(String image) {
    int slash = image.indexOf('/');
    if (slash == 0) {
      return false;
    }
    if (slash < 0) {
      return true;
    }
    String first = image.substring(0, slash);
    if (HUB_ALIASES.contains(first)) {
      return true;
    }
    return !first.contains(".") && !first.contains(":") && !first.equals("localhost");
  }

  /** The kubelet's URLsMatch, with both sides schemeless. */
  static boolean matches(String globKey, String target) {
    String[] glob = splitHostPortPath(globKey);
    String[] candidate = splitHostPortPath(target);
    if (!glob[1].equals(candidate[1])) {
      return false;
    }
    String[] globParts = glob[0].split("\\.", -1);
    String[] targetParts = candidate[0].split("\\.", -1);
    if (globParts.length != targetParts.length) {
      return false;
    }
    if (!candidate[2].startsWith(glob[2])) {
      return false;
    }
    for (int i = 0; i < globParts.length; i++) {
      if (!globPart(globParts[i]).matcher(targetParts[i]).matches()) {
        return false;
      }
    }
    return true;
  }

  /** host, port ("" when none) and path ("" or starting with "/"). */
  private static String[] splitHostPortPath(String schemeless) {
    int slash = schemeless.indexOf('/');
    String authority = slash < 0 ? schemeless : schemeless.substring(0, slash);
    String path = slash < 0 ? "" : schemeless.substring(slash);
    String host = authority;
    String port = "";
    int colon = authority.lastIndexOf(':');
    if (colon >= 0 && authority.indexOf(']', colon) < 0) {
      host = authority.substring(0, colon);
      port = authority.substring(colon + 1);
    }
    return new String[] {host, port, path};
  }

  /** A Go filepath.Match pattern for one host label ('*', '?', character classes). */
  private static Pattern globPart(String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*':
          regex.append("[^/]*");
          break;
        case '?':
          regex.append("[^/]");
          break;
        case '[':
          int end = glob.indexOf(']', i + 1);
          if (end < 0) {
            regex.append(Pattern.quote("["));
          } else {
            String set = glob.substring(i + 1, end);
            boolean negated = set.startsWith("^") || set.startsWith("!");
            regex.append(negated ? "[^" : "[");
            for (char member : (negated ? set.substring(1) : set).toCharArray()) {
              if (Character.isLetterOrDigit(member) || member == '-') {
                regex.append(member);
              } else {
                regex.append('\\').append(member);
              }
            }
            regex.append(']');
            i = end;
          }
          break;
        default:
          regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }

  @Override
  public String toString() {
    return "RegistryCredentials" + entries.keySet();
  }
}

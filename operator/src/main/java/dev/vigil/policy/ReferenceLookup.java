package dev.vigil.policy;

/** Tells whether a Secret or ConfigMap key that a spec names exists in the spec's namespace. */
public interface ReferenceLookup {

  /** Kinds of object a spec may reference. */
  enum Kind {
    Secret,
    ConfigMap
  }

  /** Why a reference does not resolve, or null when it does. */
  String problem(Kind kind, String name, String key);
}

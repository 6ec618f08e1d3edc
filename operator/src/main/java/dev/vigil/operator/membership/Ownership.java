package dev.vigil.operator.membership;

/**
 * Which share of the scanning this replica does. The scan loop asks it before it analyses an
 * image and again before it writes a report; the answer may change at any time (a replica joins,
 * leaves or dies), and listeners hear of every change so work that became this replica's is done.
 */
public interface Ownership {

  /** A single replica: everything is its own. */
  Ownership EVERYTHING = new Ownership() {
    @Override
    public boolean owns(String key) {
      return true;
    }

    @Override
    public void onChange(Runnable listener) {}
  };

  /** True when this replica is the one to analyse the image with this key (digest or reference). */
  boolean owns(String key);

  /** Runs the listener (on some background thread) whenever the set of members changes. */
  void onChange(Runnable listener);
}

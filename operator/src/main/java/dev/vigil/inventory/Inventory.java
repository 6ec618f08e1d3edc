package dev.vigil.inventory;

import java.util.List;

/**
 * What an image has installed.
 *
 * @param os detected operating system, null when unknown
 * @param packages OS packages, in database order
 * @param problems problems met while reading databases (unsupported format, corrupt file),
 *     reported as findings, never silenced
 */
public record Inventory(OsInfo os, List<InstalledPackage> packages, List<String> problems) {}

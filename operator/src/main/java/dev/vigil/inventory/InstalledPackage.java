package dev.vigil.inventory;

/**
 * One OS package found in a package database.
 *
 * @param type package database kind: "deb", "apk" or "rpm"
 * @param name binary package name
 * @param version full installed version (rpm: [epoch:]version-release)
 * @param sourceName source package (dpkg Source, apk origin, rpm source rpm name); equals
 *     name when the database names none
 * @param sourceVersion source version (dpkg: from "Source: name (version)", else version)
 * @param arch architecture, may be null
 * @param layerDigest digest of the layer that introduced this package at this version
 */
public record InstalledPackage(
    String type,
    String name,
    String version,
    String sourceName,
    String sourceVersion,
    String arch,
    String layerDigest) {}

package dev.vigil.vulndb;

import java.util.List;

/**
 * What a snapshot keeps of one OSV record: the fields a finding shows, nothing else (details,
 * references and ranges of other packages are dropped at load time).
 *
 * @param id the record's id
 * @param relatedIds ids the record declares equivalent or upstream ({@code aliases} and {@code
 *     upstream}), sorted, without the record's own id
 * @param cves the CVE ids the record stands for, found by following aliases and upstream
 *     through the whole database; empty when it names none
 * @param title summary, or the first line of details, at most 200 characters; may be empty
 * @param link first ADVISORY or else WEB reference; null when the record has neither
 */
record Advisory(String id, List<String> relatedIds, List<String> cves, String title, String link) {}

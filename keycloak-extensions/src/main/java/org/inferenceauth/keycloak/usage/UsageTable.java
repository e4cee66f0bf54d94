package org.inferenceauth.keycloak.usage;

import java.util.List;

/**
 * A report: named columns and rows of values (strings, numbers or null), in the order a UI or a
 * spreadsheet shows them. {@code name} is the member that holds the rows in the JSON answer.
 */
public record UsageTable(String name, List<String> columns, List<List<Object>> rows) {}

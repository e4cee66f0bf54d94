package org.inferenceauth.keycloak.resource;

import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inferenceauth.keycloak.keys.ApiKeyService;
import org.inferenceauth.keycloak.keys.ProjectOption;
import org.inferenceauth.keycloak.limits.LimitField;
import org.inferenceauth.keycloak.limits.LimitResolver;
import org.inferenceauth.keycloak.limits.LimitSet;
import org.inferenceauth.keycloak.model.jpa.UsageStore;
import org.inferenceauth.keycloak.resource.UserAuth.Caller;
import org.inferenceauth.keycloak.usage.CalendarUsage;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * {@code GET /realms/{r}/api-keys/limits}: the caller's own limits and those of each project they
 * may mint keys for, with what is used and left of the day and month budgets. Read-only: it never
 * spends anything, and its counts are Keycloak's usage store, as of the gateways' last batch.
 */
final class LimitsEndpoint {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ApiKeyService keys;
    private final UserAuth auth;

    LimitsEndpoint(KeycloakSession session, RealmModel realm, ApiKeyService keys, UserAuth auth) {
        this.session = session;
        this.realm = realm;
        this.keys = keys;
        this.auth = auth;
    }

    Response limits() {
        Caller caller = auth.authenticate();
        LimitResolver resolver = new LimitResolver(session);
        Map<String, Object> json = new LinkedHashMap<>();
        new UsageStore(session).lastBatchReceivedAt(realm.getId())
                .ifPresent(at -> json.put("usageAsOf", Instant.ofEpochSecond(at).toString()));
        json.put("user", scope(resolver.forUser(realm, caller.user()),
                CalendarUsage.ofUser(session, realm, caller.user().getId())));

        // The personal project has no budget of its own: the person's limits cover it.
        List<ProjectOption> projects = keys.projectsOf(caller.user()).stream()
                .filter(p -> !ProjectOption.PERSONAL.equals(p.id())).toList();
        Map<String, CalendarUsage> used = CalendarUsage.ofProjects(session, realm,
                projects.stream().map(ProjectOption::id).toList());
        List<Map<String, Object>> projectsJson = new ArrayList<>();
        for (ProjectOption project : projects) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", project.id());
            entry.put("name", project.name());
            entry.putAll(scope(resolver.forProject(realm, project.id()), used.get(project.id())));
            projectsJson.add(entry);
        }
        json.put("projects", projectsJson);
        return Response.ok(json).header("Cache-Control", "no-store").build();
    }

    /** {@code {"limits","usage":{"day","month"},"remaining"}} of one person or project. */
    static Map<String, Object> scope(LimitSet limits, CalendarUsage usage) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("limits", limits.toJson());
        Map<String, Object> windows = new LinkedHashMap<>();
        windows.put("day", window(usage.today(), usage.dayResetsAt()));
        windows.put("month", window(usage.month(), usage.monthResetsAt()));
        json.put("usage", windows);
        // What is left of each day/month limit that is set (the rolling windows live in the gateways only).
        Map<String, Object> remaining = new LinkedHashMap<>();
        left(remaining, limits, LimitField.REQUESTS_PER_DAY, usage.today().requests());
        left(remaining, limits, LimitField.REQUESTS_PER_MONTH, usage.month().requests());
        left(remaining, limits, LimitField.TOKENS_PER_DAY, usage.today().tokens());
        left(remaining, limits, LimitField.TOKENS_PER_MONTH, usage.month().tokens());
        json.put("remaining", remaining);
        return json;
    }

    private static void left(Map<String, Object> remaining, LimitSet limits, LimitField field, long used) {
        limits.get(field).ifPresent(limit -> remaining.put(field.key(), Math.max(0, limit - used)));
    }

    private static Map<String, Object> window(CalendarUsage.Counts counts, Instant resetsAt) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("requests", counts.requests());
        json.put("tokens", counts.tokens());
        json.put("resetsAt", resetsAt.toString());
        return json;
    }
}

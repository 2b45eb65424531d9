package dev.switchboard.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** An RFC 9457 problem details body. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ProblemException e, String instance) {
        return new Problem(typeUri(e.slug()), e.title(), e.status(), e.getMessage(), instance);
    }

    static String typeUri(String slug) {
        return "urn:switchboard:problem:" + slug;
    }
}

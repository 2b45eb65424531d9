package dev.switchboard.channels.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The part of Meta's Graph API the channel uses: send a message, mark one read. Built by {@link WhatsAppSender}. */
@Path("")
public interface GraphApi {
    @POST
    @Path("/{phoneNumberId}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    JsonNode messages(@PathParam("phoneNumberId") String phoneNumberId,
            @HeaderParam("Authorization") String authorization, JsonNode body);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        if (response.getStatus() < 400) {
            return null;
        }
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        return GraphError.of(response.getStatus(), body);
    }
}

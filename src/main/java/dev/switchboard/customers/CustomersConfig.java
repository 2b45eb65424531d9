package dev.switchboard.customers;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "switchboard.customers")
public interface CustomersConfig {
    /**
     * The region (ISO 3166 alpha-2) of phone numbers written without a country code, e.g.
     * "030 1234567" with DE. Numbers with "+" or "00" need none.
     */
    @WithDefault("US")
    String defaultRegion();
}

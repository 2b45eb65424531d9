package dev.switchboard.genesys;

import java.util.Set;

/** Genesys Cloud's published region domains: a tenant picks one, and the hosts follow from it. */
final class GenesysRegions {
    static final Set<String> DOMAINS = Set.of("mypurecloud.com", "use2.us-gov-pure.cloud", "usw2.pure.cloud",
            "cac1.pure.cloud", "sae1.pure.cloud", "mxc1.pure.cloud", "mypurecloud.ie", "mypurecloud.de",
            "euw2.pure.cloud", "euc2.pure.cloud", "mec1.pure.cloud", "aps1.pure.cloud", "mypurecloud.jp",
            "apne2.pure.cloud", "apne3.pure.cloud", "mypurecloud.com.au", "apse1.pure.cloud");

    private GenesysRegions() {
    }

    static boolean known(String region) {
        return region != null && DOMAINS.contains(region);
    }
}

/**
 * A tenant id becomes the Cosmos partition key of all of the tenant's data, so its alphabet is
 * narrow: 1-64 of `A-Z a-z 0-9 . _ -`, starting with a letter or digit. Ids starting with `_` are
 * reserved for the server's own partitions in the `tenants` container (credential lookups,
 * assertion replay records), which no tenant can therefore ever name.
 */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const TENANT_ID_RULE = "1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit";

/** True when `id` may name a tenant (and so a partition). */
export const isTenantId = (id: string): boolean => TENANT_ID_PATTERN.test(id);

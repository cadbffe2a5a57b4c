/* GSSAPI stand-ins for the portable binary (make dist). Debian's libgit2 is built with SPNEGO
 * ("Negotiate") authentication for HTTP remotes, which calls Kerberos' libgssapi_krb5; Debian ships
 * that library as a shared object only. endpoint-drift reads local repositories and never uses
 * libgit2's HTTP transport, so these stand-ins report that no GSSAPI mechanism is available
 * (libgit2 then does not offer Negotiate) instead of linking Kerberos dynamically.
 * Prototypes from RFC 2744, with the types reduced to what the ABI passes. */
typedef unsigned int OM_uint32;
typedef struct { OM_uint32 length; void *elements; } gss_OID_desc;

#define GSS_S_COMPLETE 0u
#define GSS_S_FAILURE (13u << 16)
#define GSS_S_UNAVAILABLE (16u << 16)

static gss_OID_desc hostbased_service = {10, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04"};
gss_OID_desc *GSS_C_NT_HOSTBASED_SERVICE = &hostbased_service;

static OM_uint32 unavailable(OM_uint32 *minor) {
    if (minor) *minor = 0;
    return GSS_S_UNAVAILABLE;
}

OM_uint32 gss_indicate_mechs(OM_uint32 *minor, void **mechs) {
    if (mechs) *mechs = 0;
    return unavailable(minor);
}
OM_uint32 gss_import_name(OM_uint32 *minor, void *name, void *type, void **out) {
    (void)name; (void)type;
    if (out) *out = 0;
    return unavailable(minor);
}
OM_uint32 gss_init_sec_context(OM_uint32 *minor, void *a, void **b, void *c, void *d, OM_uint32 e, OM_uint32 f,
                               void *g, void *h, void *i, void *j, void *k, void *l) {
    (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; (void)g; (void)h; (void)i; (void)j; (void)k; (void)l;
    return unavailable(minor);
}
OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status, int type, void *mech, OM_uint32 *context,
                             void *buffer) {
    (void)status; (void)type; (void)mech; (void)buffer;
    if (context) *context = 0;
    return unavailable(minor);
}
OM_uint32 gss_delete_sec_context(OM_uint32 *minor, void **context, void *token) {
    (void)token;
    if (context) *context = 0;
    if (minor) *minor = 0;
    return GSS_S_COMPLETE;
}
OM_uint32 gss_release_buffer(OM_uint32 *minor, void *buffer) {
    (void)buffer;
    if (minor) *minor = 0;
    return GSS_S_COMPLETE;
}
OM_uint32 gss_release_name(OM_uint32 *minor, void **name) {
    if (name) *name = 0;
    if (minor) *minor = 0;
    return GSS_S_COMPLETE;
}
OM_uint32 gss_release_oid_set(OM_uint32 *minor, void **set) {
    if (set) *set = 0;
    if (minor) *minor = 0;
    return GSS_S_COMPLETE;
}

// OpenSSL's TLS library (libssl), for the optional HTTPS listener.
#include <openssl/ssl.h>
#include <openssl/err.h>

// SSL_CTX_set_min_proto_version and SSL_CTX_set_mode are macros, which Swift cannot call.
static inline int localoss_ssl_ctx_require_tls12(SSL_CTX *context) {
    return (int)SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
}

static inline void localoss_ssl_ctx_release_buffers(SSL_CTX *context) {
    SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_AUTO_RETRY);
}

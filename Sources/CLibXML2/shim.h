// Debian's libxml2 pulls in ICU headers that clash with Foundation's copy; we never use the ICU parts.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>

// xmlFree is a global function pointer, which Swift 6 rejects as shared mutable state.
static inline void clibxml2_free(void *pointer) { xmlFree(pointer); }

// Parse without network access, entity substitution or DTD loading.
static inline xmlDocPtr clibxml2_read_memory(const char *buffer, int size) {
    return xmlReadMemory(buffer, size, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

#include <stdint.h>
#include <isa-l/crc64.h>

/* The bridge is implemented by each Lua adapter (Sources/AlienAdapter);
   this target only carries its header to the Swift core. */
#include "alien_bridge.h"

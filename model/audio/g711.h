#pragma once
// G.711 mu-law and A-law sample codecs (ITU-T G.711), for Deepgram's mulaw/alaw encodings: the
// built-in service decodes uploads and encodes synthesized speech with them.
#include <cstdint>

namespace Taskscope::Audio::G711 {

int16_t mulawToLinear(uint8_t code);
uint8_t linearToMulaw(int16_t sample);
int16_t alawToLinear(uint8_t code);
uint8_t linearToAlaw(int16_t sample);
} // namespace Taskscope::Audio::G711

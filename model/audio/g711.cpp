#include "model/audio/g711.h"

namespace Taskscope::Audio::G711 {

int16_t mulawToLinear(uint8_t code)
{
    code = uint8_t(~code);
    const int sign = code & 0x80;
    const int exponent = (code >> 4) & 0x07;
    const int mantissa = code & 0x0F;
    int magnitude = ((mantissa << 3) + 0x84) << exponent;
    magnitude -= 0x84;
    return int16_t(sign ? -magnitude : magnitude);
}

uint8_t linearToMulaw(int16_t sample)
{
    constexpr int bias = 0x84;
    constexpr int clip = 32635;
    int value = sample;
    const int sign = value < 0 ? 0x80 : 0;
    if (value < 0)
        value = -value;
    if (value > clip)
        value = clip;
    value += bias;
    int exponent = 7;
    for (int mask = 0x4000; (value & mask) == 0 && exponent > 0; mask >>= 1)
        --exponent;
    const int mantissa = (value >> (exponent + 3)) & 0x0F;
    return uint8_t(~(sign | (exponent << 4) | mantissa));
}

int16_t alawToLinear(uint8_t code)
{
    code ^= 0x55;
    const int sign = code & 0x80;
    const int exponent = (code >> 4) & 0x07;
    const int mantissa = code & 0x0F;
    int magnitude = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
    return int16_t(sign ? magnitude : -magnitude);
}

uint8_t linearToAlaw(int16_t sample)
{
    int value = sample;
    int sign = 0x80;
    if (value < 0) {
        sign = 0;
        value = -value - 1;
    }
    if (value > 32767)
        value = 32767;
    int exponent = 7;
    for (int mask = 0x4000; (value & mask) == 0 && exponent > 0; mask >>= 1)
        --exponent;
    const int mantissa = exponent == 0 ? (value >> 4) & 0x0F : (value >> (exponent + 3)) & 0x0F;
    return uint8_t((sign | (exponent << 4) | mantissa) ^ 0x55);
}

} // namespace Taskscope::Audio::G711

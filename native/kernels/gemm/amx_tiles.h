// AMX tile set-up shared by the AMX kernels (gemm/amx.cc, attention/amx.cc): every tile
// register is configured as 16 rows x 64 bytes, i.e. a 16 x 16 fp32 accumulator or a
// 16 x 32 bf16 operand (A: 16 rows x 32 k; B: 16 k-pairs x 16 columns x 2, the VNNI layout).
// Include only from files compiled with -mamx-tile.
#pragma once
#if defined(ALBERT_X86)
#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace albert {
namespace gemm {
namespace detail {
namespace {

constexpr int kTileElems = 16 * 32;  // bf16 elements in one A or B tile (1 KiB)

// The 64-byte LDTILECFG operand (Intel SDM vol. 2, LDTILECFG): palette 1, then bytes per row
// and row count of each tile register.
struct alignas(64) TileConfig {
  uint8_t palette_id;
  uint8_t start_row;
  uint8_t reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16];
};

inline void configure_tiles() {
  TileConfig cfg;  // loading a config also zeroes every tile register
  std::memset(&cfg, 0, sizeof cfg);
  cfg.palette_id = 1;
  for (int t = 0; t < 8; ++t) {
    cfg.rows[t] = 16;
    cfg.colsb[t] = 64;
  }
  _tile_loadconfig(&cfg);
}

}  // namespace
}  // namespace detail
}  // namespace gemm
}  // namespace albert
#endif  // ALBERT_X86

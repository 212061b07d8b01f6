/*
** lm_digest.c
** MD5 (RFC 1321), SHA-1 and SHA-256 (FIPS 180-4), for lmigrate.md5,
** lmigrate.sha1 and lmigrate.digest: the PHP md5(), sha1() and hash()
** that data steps call (a Gravatar's hash, a token stored hashed as
** Sanctum stores them). Written from the standards; one pass over a Lua
** string, so there is no streaming state to keep.
*/
#include <stdint.h>
#include <string.h>

#include "lmigrate.h"

/* the message's 64-byte blocks, its padding and bit length in the last one or two */
typedef void (*Block) (uint32_t *h, const unsigned char *p);

static void run (uint32_t *h, Block block, const unsigned char *s, size_t len, int bigendian) {
  unsigned char tail[128];
  size_t full = len - len % 64, rest = len % 64, n;
  uint64_t bits = (uint64_t)len * 8;
  int i;
  for (n = 0; n < full; n += 64) block(h, s + n);
  memset(tail, 0, sizeof tail);
  if (rest > 0) memcpy(tail, s + full, rest);
  tail[rest] = 0x80;
  n = (rest < 56) ? 64 : 128;
  for (i = 0; i < 8; i++)
    tail[n - 8 + i] = (unsigned char)(bits >> (bigendian ? 56 - 8 * i : 8 * i));
  block(h, tail);
  if (n == 128) block(h, tail + 64);
}

#define ROTL(x, n)  (((x) << (n)) | ((x) >> (32 - (n))))
#define ROTR(x, n)  (((x) >> (n)) | ((x) << (32 - (n))))

static uint32_t le32 (const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t be32 (const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/*
** {======================================================
** MD5
** =======================================================
*/

static const uint32_t md5_k[64] = {
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391
};

static const unsigned char md5_r[64] = {
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
  5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
  6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21
};

static void md5_block (uint32_t *h, const unsigned char *p) {
  uint32_t m[16], a = h[0], b = h[1], c = h[2], d = h[3];
  int i;
  for (i = 0; i < 16; i++) m[i] = le32(p + 4 * (size_t)i);
  for (i = 0; i < 64; i++) {
    uint32_t f, t;
    int g;
    if (i < 16) { f = (b & c) | (~b & d); g = i; }
    else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
    else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
    else { f = c ^ (b | ~d); g = (7 * i) % 16; }
    t = d;
    d = c;
    c = b;
    b = b + ROTL(a + f + md5_k[i] + m[g], md5_r[i]);
    a = t;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d;
}

/* }====================================================== */

/*
** {======================================================
** SHA-1, SHA-256
** =======================================================
*/

static void sha1_block (uint32_t *h, const unsigned char *p) {
  uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  int i;
  for (i = 0; i < 16; i++) w[i] = be32(p + 4 * (size_t)i);
  for (i = 16; i < 80; i++) w[i] = ROTL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  for (i = 0; i < 80; i++) {
    uint32_t f, k, t;
    if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
    else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
    else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
    else { f = b ^ c ^ d; k = 0xca62c1d6; }
    t = ROTL(a, 5) + f + e + k + w[i];
    e = d;
    d = c;
    c = ROTL(b, 30);
    b = a;
    a = t;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

static const uint32_t sha256_k[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static void sha256_block (uint32_t *h, const unsigned char *p) {
  uint32_t w[64], s[8];
  int i;
  for (i = 0; i < 16; i++) w[i] = be32(p + 4 * (size_t)i);
  for (i = 16; i < 64; i++) {
    uint32_t s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  memcpy(s, h, sizeof s);
  for (i = 0; i < 64; i++) {
    uint32_t e = s[4], a = s[0];
    uint32_t t1 = s[7] + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & s[5]) ^ (~e & s[6]))
                  + sha256_k[i] + w[i];
    uint32_t t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & s[1]) ^ (a & s[2]) ^ (s[1] & s[2]));
    memmove(s + 1, s, 7 * sizeof s[0]);
    s[4] += t1;
    s[0] = t1 + t2;
  }
  for (i = 0; i < 8; i++) h[i] += s[i];
}

/* }====================================================== */

typedef struct Algo {
  const char *name;
  Block block;
  int words, bigendian;
  uint32_t init[8];
} Algo;

static const Algo algos[] = {
  {"md5", md5_block, 4, 0, {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476}},
  {"sha1", sha1_block, 5, 1, {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0}},
  {"sha256", sha256_block, 8, 1, {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}},
  {NULL, NULL, 0, 0, {0}}
};

/*
** core.digest(algo, data, binary) -> the digest of data: lower-case hex, or
** its raw bytes when binary (PHP's hash($algo, $data, $binary))
*/
static int digest (lua_State *L) {
  static const char *const names[] = {"md5", "sha1", "sha256", NULL};
  const Algo *a = &algos[luaL_checkoption(L, 1, NULL, names)];
  size_t len;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 2, &len);
  uint32_t h[8];
  unsigned char out[32];
  int i, n = a->words * 4;
  memcpy(h, a->init, sizeof h);
  run(h, a->block, s, len, a->bigendian);
  for (i = 0; i < n; i++)
    out[i] = (unsigned char)(h[i / 4] >> (a->bigendian ? 24 - 8 * (i % 4) : 8 * (i % 4)));
  if (lua_toboolean(L, 3)) lua_pushlstring(L, (const char *)out, (size_t)n);
  else {
    static const char hex[] = "0123456789abcdef";
    char text[64];
    size_t k;
    for (k = 0; k < (size_t)n; k++) {
      text[2 * k] = hex[out[k] >> 4];
      text[2 * k + 1] = hex[out[k] & 15];
    }
    lua_pushlstring(L, text, (size_t)n * 2);
  }
  return 1;
}

int lm_open_digest (lua_State *L) {
  lua_pushcfunction(L, digest);
  lua_setfield(L, -2, "digest");
  return 0;
}

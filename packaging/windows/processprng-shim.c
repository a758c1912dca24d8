/* For tests under Wine only, never shipped: Wine 8's bcryptprimitives.dll lacks ProcessPrng,
 * which Rust's standard library calls on Windows for random bytes. This DLL, placed beside
 * fourmi.exe in a test folder (and chosen with WINEDLLOVERRIDES=bcryptprimitives=n), exports it
 * over BCryptGenRandom, the system's RNG. Real Windows (10 and later) has the real one. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) {
            return FALSE;
        }
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}

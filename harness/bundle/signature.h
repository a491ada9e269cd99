// SSH signatures over a bundle's SHA256SUMS, made and checked by ssh-keygen (-Y sign and
// -Y verify, namespace "repro-bundle"): a reviewer already has the author's SSH public key
// (from a forge or a keyring), so no new key infrastructure is needed. ssh-keygen runs
// through the process supervisor, never a shell, in a private folder removed afterwards.
#pragma once

#include <filesystem>
#include <string>

#include "harness/util/result.h"

namespace repro {

// What a bundle signature signs for, so a signature over something else never verifies.
inline constexpr const char* kBundleSignatureNamespace = "repro-bundle";

// The armored signature ("-----BEGIN SSH SIGNATURE-----...") of "text" with the private key
// "key" (or its .pub while ssh-agent holds the key). Errors carry ssh-keygen's words.
Result<std::string> SignText(const std::string& text, const std::filesystem::path& key);

// Checks "signature" over "text" for "identity" against an allowed_signers file (ssh-keygen's
// format: "identity [namespaces=...] key-type base64"). Returns ssh-keygen's line naming the
// key ("Good \"repro-bundle\" signature for ID with ED25519 key SHA256:..."), or why not.
Result<std::string> VerifySignature(const std::string& text, const std::string& signature,
                                    const std::filesystem::path& allowed_signers, const std::string& identity);

}  // namespace repro

#pragma once
// The one masking function. Every line that could carry a key (logs, reports, errors, JSON, curl's
// messages) passes through redact(); keys are shown only as mask_key() shows them.
#include <string>
#include <string_view>

namespace kto::util {

// The original system's preview: the first 10 characters and "...". A key too short to hide
// behind 10 characters shows half of itself, so a preview never is the whole key.
std::string mask_key(std::string_view key);

// First 16 hex digits of the SHA-256 of the key: how the state file knows a key.
std::string key_fingerprint(std::string_view key);

// Registers a raw key (and its URL-encoded and URL-decoded forms) so redact() hides it.
void register_secret(std::string_view key);
// Forgets every registered secret (tests).
void clear_secrets();

// Registers a database password so redact() replaces it, and its URL-encoded and -decoded forms,
// with "***": unlike a key, no part of a password is ever shown. Passwords shorter than 4
// characters are masked only inside URLs (replacing every "ab" of a log would garble it).
void register_password(std::string_view password);

// The URL with the password of its user part (scheme://user:password@host…) and of any
// "password=" setting shown as "***"; other text is returned as it is.
std::string mask_url_password(std::string_view text);

// Replaces every registered secret in text with its preview, and any "serviceKey=<value>" with
// "serviceKey=<preview>", and masks the passwords of database URLs (mask_url_password). Thread-safe.
std::string redact(std::string_view text);

}  // namespace kto::util

#include "kto/util/secrets.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <vector>

#include "kto/util/url.hpp"

namespace kto::util {
namespace {

struct Secret {
  std::string text;
  std::string preview;
};

std::mutex g_mutex;
std::vector<Secret> g_secrets;  // longest first, so a longer form is replaced before its prefix

void add_locked(std::string text, const std::string& preview) {
  if (text.empty()) return;
  for (const auto& s : g_secrets)
    if (s.text == text) return;
  g_secrets.push_back({std::move(text), preview});
  std::sort(g_secrets.begin(), g_secrets.end(),
            [](const Secret& a, const Secret& b) { return a.text.size() > b.text.size(); });
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  std::size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
}

// Masks the value of every serviceKey= parameter, whatever it holds, so a URL in curl's error
// message never carries a key even if it was not registered.
void mask_service_key_params(std::string& text) {
  static const std::string k_param = "serviceKey=";
  std::size_t pos = 0;
  while ((pos = text.find(k_param, pos)) != std::string::npos) {
    std::size_t start = pos + k_param.size();
    std::size_t end = start;
    while (end < text.size() && text[end] != '&' && text[end] != ' ' && text[end] != '"' &&
           text[end] != '\'' && text[end] != '\n' && text[end] != '>')
      ++end;
    std::string value = text.substr(start, end - start);
    // An already masked value ends with "..." and is left alone.
    if (value.size() >= 3 && value.compare(value.size() - 3, 3, "...") == 0) {
      pos = end;
      continue;
    }
    std::string masked = mask_key(url_decode(value));
    text.replace(start, end - start, masked);
    pos = start + masked.size();
  }
}

// The password of every "scheme://user:password@" and of every "password=value" in text.
void mask_passwords(std::string& text) {
  static const std::string k_masked = "***";
  std::size_t pos = 0;
  while ((pos = text.find("://", pos)) != std::string::npos) {
    const std::size_t user = pos + 3;
    std::size_t end = user;
    while (end < text.size() && text[end] != '@' && text[end] != '/' && text[end] != ' ' &&
           text[end] != '"' && text[end] != '\'' && text[end] != '\n')
      ++end;
    const std::size_t colon = text.find(':', user);
    if (end < text.size() && text[end] == '@' && colon < end && text.compare(colon + 1, end - colon - 1, k_masked) != 0) {
      text.replace(colon + 1, end - colon - 1, k_masked);
      end = colon + 1 + k_masked.size();
    }
    pos = end;
  }
  static const std::string k_setting = "password=";
  pos = 0;
  while ((pos = text.find(k_setting, pos)) != std::string::npos) {
    const std::size_t start = pos + k_setting.size();
    std::size_t end = start;
    while (end < text.size() && text[end] != ' ' && text[end] != '&' && text[end] != '\n') ++end;
    text.replace(start, end - start, k_masked);
    pos = start + k_masked.size();
  }
}

}  // namespace

std::string mask_key(std::string_view key) {
  std::size_t shown = key.size() >= 20 ? 10 : key.size() / 2;
  return std::string(key.substr(0, shown)) + "...";
}

std::string key_fingerprint(std::string_view key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(key.data(), key.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < 8 && i < len; ++i) {
    out.push_back(k_hex[digest[i] >> 4]);
    out.push_back(k_hex[digest[i] & 15]);
  }
  return out;
}

void register_secret(std::string_view key) {
  if (key.empty()) return;
  std::string raw(key);
  std::string preview = mask_key(looks_percent_encoded(raw) ? url_decode(raw) : raw);
  std::lock_guard lock(g_mutex);
  add_locked(raw, preview);
  add_locked(url_encode(raw), preview);
  add_locked(url_encode(url_encode(raw)), preview);
  add_locked(url_decode(raw), preview);
  add_locked(url_encode(url_decode(raw)), preview);
  add_locked(url_decode_query(raw), preview);
}

void register_password(std::string_view password) {
  if (password.size() < 4) return;
  std::string raw(password);
  std::lock_guard lock(g_mutex);
  for (std::string form : {raw, url_encode(raw), url_decode(raw), url_decode_query(raw)})
    add_locked(std::move(form), "***");
}

std::string mask_url_password(std::string_view text) {
  std::string out(text);
  mask_passwords(out);
  return out;
}

void clear_secrets() {
  std::lock_guard lock(g_mutex);
  g_secrets.clear();
}

std::string redact(std::string_view text) {
  std::string out(text);
  mask_service_key_params(out);
  mask_passwords(out);
  std::lock_guard lock(g_mutex);
  for (const auto& s : g_secrets)
    // A secret shorter than its preview could only appear by accident in ordinary words; keys are
    // long, and the preview of a short key is itself shorter than the key.
    replace_all(out, s.text, s.preview);
  return out;
}

}  // namespace kto::util

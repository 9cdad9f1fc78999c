// The operator's handles on single keys: selectors, manual deactivation and reactivation.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "kto/keys/key_pool.hpp"
#include "pool_impl.hpp"

namespace kto::keys {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::size_t> KeyPool::find(std::string_view selector) const {
  std::string_view s = trim(selector);
  bool hashed = !s.empty() && s.front() == '#';
  if (hashed) s.remove_prefix(1);
  std::lock_guard lock(m_impl->mutex);
  const auto& keys = m_impl->keys;
  if (all_digits(s)) {
    // A preview may be all digits too: an index out of range falls through to the previews.
    if (s.size() < 10) {
      auto index = static_cast<std::size_t>(std::stoul(std::string(s)));
      if (index < keys.size()) return index;
    }
    if (hashed) return std::nullopt;
  }
  if (s.size() >= 3 && s.substr(s.size() - 3) == "...") s.remove_suffix(3);
  if (s.empty() || hashed) return std::nullopt;
  std::optional<std::size_t> found;
  for (const auto& slot : keys) {
    std::string_view core = slot.state.preview;
    core.remove_suffix(3);  // "..."
    if (core.substr(0, s.size()) != s) continue;
    if (found) return std::nullopt;  // ambiguous
    found = slot.index;
  }
  return found;
}

bool KeyPool::force_deactivate(std::size_t index, std::string reason) {
  {
    std::lock_guard lock(m_impl->mutex);
    if (index >= m_impl->keys.size()) return false;
    auto& slot = m_impl->keys[index];
    if (reason.empty()) reason = "수동 비활성화";
    spdlog::warn("🔒 KTO API 키 #{} 수동 비활성화: {} (사유: {})", index, slot.state.preview, reason);
    if (slot.state.is_active) {
      m_impl->deactivate(slot, std::move(reason), m_impl->clock.now());
    } else {
      // Already disabled: keep the time, so recovery waits from the first deactivation.
      slot.state.deactivation_reason = std::move(reason);
      m_impl->mark_urgent();
    }
  }
  m_impl->save_if_autosave(/*at_once=*/true);
  return true;
}

bool KeyPool::reactivate(std::size_t index) {
  {
    std::lock_guard lock(m_impl->mutex);
    if (index >= m_impl->keys.size()) return false;
    auto& slot = m_impl->keys[index];
    m_impl->activate(slot);
    slot.last_skip = UnavailableReason::none;
    spdlog::info("🔓 KTO API 키 #{} 재활성화: {} (활성 키: {}/{}개)", index, slot.state.preview,
                 m_impl->active_count(), m_impl->keys.size());
  }
  m_impl->save_if_autosave(/*at_once=*/true);
  return true;
}

}  // namespace kto::keys

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

// The operator's commands print their own result line on stdout: their log lines go to the log
// file (debug level) only, so the terminal shows the change once, not again on stderr.
KeyChange KeyPool::force_deactivate(std::size_t index, std::string reason) {
  KeyChange change;
  {
    std::lock_guard lock(m_impl->mutex);
    if (index >= m_impl->keys.size()) return change;
    change.found = true;
    auto& slot = m_impl->keys[index];
    auto& s = slot.state;
    change.changed = s.is_active;
    if (s.is_active) {
      m_impl->deactivate(slot, reason.empty() ? "수동 비활성화" : std::move(reason),
                         m_impl->clock.now(), /*manual=*/true);
    } else {
      // Already disabled: keep the time it was disabled, and its reason unless a new one is
      // given. A key the pool disabled becomes the operator's: it stays off until reactivate.
      if (!reason.empty()) s.deactivation_reason = std::move(reason);
      s.manual = true;
      m_impl->mark_urgent();
    }
    spdlog::debug("🔒 KTO API 키 #{} 수동 비활성화{}: {} (사유: {})", index,
                  change.changed ? "" : " (이미 비활성화됨)", s.preview,
                  s.deactivation_reason.value_or("수동 비활성화"));
  }
  m_impl->save_if_autosave(/*at_once=*/true);
  return change;
}

KeyChange KeyPool::reactivate(std::size_t index) {
  KeyChange change;
  {
    std::lock_guard lock(m_impl->mutex);
    if (index >= m_impl->keys.size()) return change;
    change.found = true;
    auto& d = *m_impl;
    auto& slot = d.keys[index];
    auto now = d.clock.now();
    bool rested = (slot.state.error_cooldown_until && *slot.state.error_cooldown_until > now) ||
                  std::any_of(slot.state.rate_limited_until.begin(),
                              slot.state.rate_limited_until.end(),
                              [now](const auto& entry) { return entry.second > now; });
    change.changed = !slot.state.is_active || rested;
    if (!change.changed) {
      spdlog::debug("🔓 KTO API 키 #{} 이미 활성 상태: {}", index, slot.state.preview);
      return change;
    }
    d.activate(slot);
    // The operator's override of the gateway's quota rest: the next call tells whether it is over.
    slot.state.rate_limited_until.clear();
    slot.last_skip = UnavailableReason::none;
    spdlog::debug("🔓 KTO API 키 #{} 재활성화: {} (활성 키: {}/{}개)", index, slot.state.preview,
                  d.active_count(), d.keys.size());
  }
  m_impl->save_if_autosave(/*at_once=*/true);
  return change;
}

}  // namespace kto::keys

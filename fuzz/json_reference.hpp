#pragma once
// A JsonValue as nlohmann would hold the same text, read through JsonValue's public accessors
// only: the fuzz target and the unit tests compare the two readers with it.
#include <nlohmann/json.hpp>

#include <string>

#include "kto/util/json_view.hpp"

namespace kto::fuzz {

inline nlohmann::json to_reference(util::JsonValue value) {
  using util::JsonType;
  switch (value.type()) {
    case JsonType::null: return nullptr;
    case JsonType::boolean: return value.text() == "true";
    case JsonType::number: return nlohmann::json::parse(value.text());
    case JsonType::string: return std::string(value.text());
    case JsonType::array: {
      nlohmann::json out = nlohmann::json::array();
      for (std::size_t i = 0; i < value.size(); ++i) out.push_back(to_reference(value.at(i)));
      return out;
    }
    case JsonType::object: {
      nlohmann::json out = nlohmann::json::object();
      for (std::size_t i = 0; i < value.size(); ++i)  // the last of duplicate keys wins, as there
        out[std::string(value.key_at(i))] = to_reference(value.at(i));
      return out;
    }
  }
  return nullptr;
}

}  // namespace kto::fuzz

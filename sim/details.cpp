#include "details.hpp"

#include <array>
#include <optional>

#include "detail_content.hpp"

namespace kto::sim {
namespace {

// KorService1's detailCommon1 flags. KorService2 refuses them (and contentTypeId) on detailCommon2
// with 10: a client still sending them is a bug the simulator must show.
constexpr std::array<std::string_view, 8> k_removed_common_params = {
    "defaultYN", "firstImageYN", "areacodeYN", "catcodeYN",
    "addrinfoYN", "mapinfoYN",   "overviewYN", "contentTypeId"};

std::string render_row(const Fields& fields, Format f) {
  std::string out = f == Format::json ? "{" : "<item>";
  bool first = true;
  for (const auto& [name, value] : fields) {
    if (f == Format::json) {
      out += first ? "\"" : ",\"";
      out += name;
      out += "\":";
      append_json_string(out, value);
    } else {
      out += "<" + std::string(name) + ">";
      append_xml_text(out, value);
      out += "</" + std::string(name) + ">";
    }
    first = false;
  }
  return out + (f == Format::json ? "}" : "</item>");
}

// One page of an operation's rows; totalCount counts them all.
Answer rows_page(const std::vector<Fields>& all, const Paging& paging, Format f,
                 const ServiceOptions& options) {
  std::vector<std::string> rendered;
  const long total = static_cast<long>(all.size());
  for (long i = paging.first(); i < total && i < paging.first() + paging.rows; ++i)
    rendered.push_back(render_row(all[static_cast<std::size_t>(i)], f));
  std::vector<std::string_view> rows(rendered.begin(), rendered.end());
  return page_answer(f, rows, total, paging, options);
}

// The parameter errors of one operation, or nullopt when the request is well-formed.
std::optional<Answer> check_params(std::string_view operation, const Params& params, Format f) {
  if (operation == "detailCommon2")
    for (std::string_view name : k_removed_common_params)
      if (params.find(name)) return service_error(f, "10", "INVALID_REQUEST_PARAMETER_ERROR");
  const bool needs_type = operation == "detailIntro2" || operation == "detailInfo2";
  if (params.get("contentId").empty() || (needs_type && params.get("contentTypeId").empty()))
    return service_error(f, "11", "NO_MANDATORY_REQUEST_PARAMETERS_ERROR");
  if (operation == "detailImage2") {
    auto yn = params.get("imageYN");
    if (!yn.empty() && yn != "Y" && yn != "N") return service_error(f, "10", "INVALID_REQUEST_PARAMETER_ERROR");
  }
  return std::nullopt;
}

std::vector<Fields> rows_of(const Item& item, std::string_view operation, const Params& params) {
  if (operation == "detailCommon2") return {common_fields(item)};
  if (operation == "detailIntro2") return {intro_fields(item)};
  if (operation == "detailImage2") return image_rows(item, params.get("imageYN") == "N");
  return info_rows(item);
}

}  // namespace

bool is_detail_operation(std::string_view operation) {
  return operation == "detailCommon2" || operation == "detailIntro2" ||
         operation == "detailImage2" || operation == "detailInfo2";
}

Answer serve_detail(const Dataset& data, std::string_view operation, const Params& params,
                    const Paging& paging, Format f, const ServiceOptions& options) {
  if (auto error = check_params(operation, params, f)) return std::move(*error);
  const Item* item = data.find(params.get("contentId"));
  if (item && item->hidden()) item = nullptr;
  auto type = params.get("contentTypeId");
  if (item && !type.empty() && type != item->contenttypeid) item = nullptr;
  return rows_page(item ? rows_of(*item, operation, params) : std::vector<Fields>{}, paging, f, options);
}

}  // namespace kto::sim

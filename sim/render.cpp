#include "render.hpp"

#include <chrono>
#include <cstdio>
#include <utility>

namespace kto::sim {
namespace {

using Field = std::pair<const char*, std::string Item::*>;

// The fixtures' order. showflag sits before lDongRegnCd and is skipped outside the sync list.
const std::vector<Field>& item_fields() {
  static const std::vector<Field> k_fields = {
      {"addr1", &Item::addr1},           {"addr2", &Item::addr2},
      {"areacode", &Item::areacode},     {"cat1", &Item::cat1},
      {"cat2", &Item::cat2},             {"cat3", &Item::cat3},
      {"contentid", &Item::contentid},   {"contenttypeid", &Item::contenttypeid},
      {"createdtime", &Item::createdtime}, {"firstimage", &Item::firstimage},
      {"firstimage2", &Item::firstimage2}, {"cpyrhtDivCd", &Item::cpyrhtDivCd},
      {"mapx", &Item::mapx},             {"mapy", &Item::mapy},
      {"mlevel", &Item::mlevel},         {"modifiedtime", &Item::modifiedtime},
      {"sigungucode", &Item::sigungucode}, {"tel", &Item::tel},
      {"title", &Item::title},           {"zipcode", &Item::zipcode},
      {"showflag", &Item::showflag},     {"lDongRegnCd", &Item::lDongRegnCd},
      {"lDongSignguCd", &Item::lDongSignguCd}, {"lclsSystm1", &Item::lclsSystm1},
      {"lclsSystm2", &Item::lclsSystm2}, {"lclsSystm3", &Item::lclsSystm3},
  };
  return k_fields;
}

bool skip_field(const Field& f, bool sync) { return !sync && f.second == &Item::showflag; }

void append_number(std::string& out, long value, bool as_string) {
  if (as_string) out += '"';
  out += std::to_string(value);
  if (as_string) out += '"';
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += k_hex[u >> 4];
      out += k_hex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_xml_text(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      default: out += c;
    }
  }
}

std::string item_json(const Item& item, bool sync) {
  std::string out;
  out.reserve(900);
  out += '{';
  bool first = true;
  for (const auto& f : item_fields()) {
    if (skip_field(f, sync)) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += f.first;
    out += "\":";
    append_json_string(out, item.*(f.second));
  }
  out += '}';
  return out;
}

std::string item_xml(const Item& item, bool sync) {
  std::string out = "<item>";
  for (const auto& f : item_fields()) {
    if (skip_field(f, sync)) continue;
    out += std::string("<") + f.first + ">";
    append_xml_text(out, item.*(f.second));
    out += std::string("</") + f.first + ">";
  }
  return out + "</item>";
}

std::string code_row(Format format, int rnum, std::string_view code, std::string_view name) {
  std::string out;
  if (format == Format::json) {
    out = "{\"rnum\":" + std::to_string(rnum) + ",\"code\":";
    append_json_string(out, code);
    out += ",\"name\":";
    append_json_string(out, name);
    return out + "}";
  }
  out = "<item><rnum>" + std::to_string(rnum) + "</rnum><code>";
  append_xml_text(out, code);
  out += "</code><name>";
  append_xml_text(out, name);
  return out + "</name></item>";
}

std::string page_document(Format format, const std::vector<std::string_view>& rows,
                          const PageMeta& meta) {
  std::size_t size = 256;
  for (auto r : rows) size += r.size() + 1;
  std::string out;
  out.reserve(size);
  if (format == Format::xml) {
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><response><header>"
           "<resultCode>0000</resultCode><resultMsg>OK</resultMsg></header><body>";
    out += rows.empty() ? "<items/>" : "<items>";
    for (auto r : rows) out += r;
    if (!rows.empty()) out += "</items>";
    out += "<numOfRows>" + std::to_string(meta.num_of_rows) + "</numOfRows><pageNo>" +
           std::to_string(meta.page_no) + "</pageNo><totalCount>" +
           std::to_string(meta.total_count) + "</totalCount></body></response>";
    return out;
  }
  out += R"({"response":{"header":{"resultCode":"0000","resultMsg":"OK"},"body":{"items":)";
  if (rows.empty()) {
    out += "\"\"";
  } else if (rows.size() == 1) {
    out += "{\"item\":";
    out += rows.front();
    out += '}';
  } else {
    out += "{\"item\":[";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i > 0) out += ',';
      out += rows[i];
    }
    out += "]}";
  }
  out += ",\"numOfRows\":";
  append_number(out, meta.num_of_rows, meta.numbers_as_strings);
  out += ",\"pageNo\":";
  append_number(out, meta.page_no, meta.numbers_as_strings);
  out += ",\"totalCount\":";
  append_number(out, meta.total_count, meta.numbers_as_strings);
  out += "}}}";
  return out;
}

std::string service_error_document(Format format, std::string_view code, std::string_view message) {
  std::string out;
  if (format == Format::json) {
    out = "{\"responseTime\":";
    append_json_string(out, response_time_now());
    out += ",\"resultCode\":";
    append_json_string(out, code);
    out += ",\"resultMsg\":";
    append_json_string(out, message);
    return out + "}";
  }
  out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><response><header><resultCode>";
  out += std::string(code) + "</resultCode><resultMsg>" + std::string(message) +
         "</resultMsg></header></response>";
  return out;
}

std::string gateway_error_document(bool json, std::string_view reason_code, std::string_view message) {
  std::string code(reason_code), msg(message);
  if (json)
    return R"({"OpenAPI_ServiceResponse":{"cmmMsgHeader":{"errMsg":"SERVICE ERROR","returnAuthMsg":")" +
           msg + R"(","returnReasonCode":")" + code + "\"}}}";
  return "<OpenAPI_ServiceResponse>\n\t<cmmMsgHeader>\n\t\t<errMsg>SERVICE ERROR</errMsg>\n"
         "\t\t<returnAuthMsg>" + msg + "</returnAuthMsg>\n\t\t<returnReasonCode>" + code +
         "</returnReasonCode>\n\t</cmmMsgHeader>\n</OpenAPI_ServiceResponse>";
}

std::string response_time_now() {
  using namespace std::chrono;
  auto now = time_point_cast<milliseconds>(system_clock::now()) + hours{9};
  auto day = floor<days>(now);
  year_month_day ymd{day};
  hh_mm_ss<milliseconds> hms{now - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03d+09:00", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()),
                int(hms.subseconds().count()));
  return buf;
}

std::string bad_gateway_page() {
  return "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
         "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
         "</body>\r\n</html>\r\n";
}

}  // namespace kto::sim

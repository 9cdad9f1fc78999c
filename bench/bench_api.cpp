// Reading answers: a full 1,000-row page (the collector's hot path) and the short answers that
// decide what happens to a key (a quota error, a proxy's HTML page, an empty page).
#include <benchmark/benchmark.h>

#include "bench_support.hpp"
#include "kto/api/tour_api.hpp"

namespace {

using kto::api::HttpResponse;

HttpResponse response_of(std::string body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// classify() with a page: the JSON parse, the shape checks and the items moved into the Page.
void BM_ParsePage1000(benchmark::State& state) {
  const HttpResponse response = response_of(kto::bench::page_body(1000, 3000000));
  for (auto _ : state) {
    kto::api::Page page;
    auto outcome = kto::api::classify(response, &page);
    if (!outcome.ok() || page.items.size() != 1000) state.SkipWithError("the page did not parse");
    benchmark::DoNotOptimize(page.items.data());
  }
  state.SetItemsProcessed(state.iterations() * 1000);
  state.SetBytesProcessed(state.iterations() * static_cast<long long>(response.body.size()));
}
BENCHMARK(BM_ParsePage1000)->Unit(benchmark::kMillisecond);

// The JSON library's parse alone: what classify() costs beyond it is ours.
void BM_JsonDomParsePage1000(benchmark::State& state) {
  const std::string body = kto::bench::page_body(1000, 3000000);
  for (auto _ : state) {
    auto doc = nlohmann::json::parse(body);
    benchmark::DoNotOptimize(doc.size());
  }
  state.SetItemsProcessed(state.iterations() * 1000);
  state.SetBytesProcessed(state.iterations() * static_cast<long long>(body.size()));
}
BENCHMARK(BM_JsonDomParsePage1000)->Unit(benchmark::kMillisecond);

constexpr const char* k_quota_xml =
    "<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>SERVICE ERROR</errMsg>"
    "<returnAuthMsg>LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR</returnAuthMsg>"
    "<returnReasonCode>22</returnReasonCode></cmmMsgHeader></OpenAPI_ServiceResponse>";

constexpr const char* k_html_502 =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad "
    "Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

constexpr const char* k_empty_page =
    R"({"response":{"header":{"resultCode":"0000","resultMsg":"OK"},"body":{"items":"",)"
    R"("numOfRows":0,"pageNo":14,"totalCount":13000}}})";

constexpr const char* k_service_error =
    R"({"responseTime":"2026-11-25T15:30:00.123+09:00","resultCode":"11",)"
    R"("resultMsg":"NO_MANDATORY_REQUEST_PARAMETERS_ERROR"})";

void classify_loop(benchmark::State& state, const HttpResponse& response) {
  for (auto _ : state) {
    kto::api::Page page;
    auto outcome = kto::api::classify(response, &page);
    benchmark::DoNotOptimize(outcome.kind);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ClassifyQuotaErrorXml(benchmark::State& state) {
  classify_loop(state, response_of(k_quota_xml, 403));
}
BENCHMARK(BM_ClassifyQuotaErrorXml);

void BM_ClassifyHtml502(benchmark::State& state) { classify_loop(state, response_of(k_html_502, 502)); }
BENCHMARK(BM_ClassifyHtml502);

void BM_ClassifyEmptyPage(benchmark::State& state) { classify_loop(state, response_of(k_empty_page)); }
BENCHMARK(BM_ClassifyEmptyPage);

void BM_ClassifyServiceErrorJson(benchmark::State& state) {
  classify_loop(state, response_of(k_service_error));
}
BENCHMARK(BM_ClassifyServiceErrorJson);

// A 5-row page of the fixtures' size: the per-answer cost without the bulk of the items.
void BM_ClassifySmallPage(benchmark::State& state) {
  classify_loop(state, response_of(kto::bench::page_body(5, 2750144)));
}
BENCHMARK(BM_ClassifySmallPage);

}  // namespace

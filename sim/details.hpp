#pragma once
// The four detail operations of KorService2 (docs/service.md, "Detail operations"): their
// parameter checks, as strict as the real service's, and their answers. One item per call; the
// contents come from detail_content.hpp.
#include <string_view>

#include "service.hpp"

namespace kto::sim {

bool is_detail_operation(std::string_view operation);

// detailCommon2, detailIntro2, detailImage2 or detailInfo2. An unknown or withdrawn contentId, or
// a contentTypeId that is not the item's, answers "items": "" with totalCount 0.
Answer serve_detail(const Dataset& data, std::string_view operation, const Params& params,
                    const Paging& paging, Format f, const ServiceOptions& options);

}  // namespace kto::sim

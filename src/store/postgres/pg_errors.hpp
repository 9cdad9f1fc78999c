#pragma once
// libpq's failures as one Korean line each, saying what to do, with the password masked.
#include <libpq-fe.h>

#include <string>
#include <string_view>

#include "kto/util/result.hpp"

namespace kto::store::pg {

// A failed connection attempt: unreachable server, wrong or missing password, missing database,
// an unparsable URL. display_url already has its password masked.
Error connect_error(PGconn* conn, std::string_view display_url);

// A failed statement: statement timeout, lost connection, tables of our names that are not ours,
// anything else with the server's own (masked) message.
Error statement_error(const PGresult* result, PGconn* conn, std::string_view doing,
                      std::string_view display_url);

// True when the failure means the session is gone (SQLSTATE class 08, 57P01-57P03, or libpq's
// connection status is bad).
bool is_connection_lost(const PGresult* result, PGconn* conn);
// True when the server asks for the transaction to be run again (40001, 40P01).
bool is_retryable(const PGresult* result);

// The line for tables of kto-collector's names that kto-collector did not make.
Error foreign_tables_error(std::string_view display_url, std::string_view tables);

}  // namespace kto::store::pg

#include "server.hpp"

#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

namespace kto::sim {
namespace {

// Lets sleeping handlers (latency, hangs) wake up at shutdown instead of holding the exit back.
class Stopper {
 public:
  void stop() {
    std::lock_guard lock(m_mutex);
    m_stopped = true;
    m_cv.notify_all();
  }
  void sleep_ms(int ms) {
    if (ms <= 0) return;
    std::unique_lock lock(m_mutex);
    m_cv.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_stopped; });
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_stopped = false;
};

// The query exactly as the client sent it: httplib's req.params would be decoded already, and the
// key check must see what a real server would decode from the raw bytes.
std::string_view raw_query(const httplib::Request& req) {
  std::string_view target(req.target);
  auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

void send_reply(const Reply& reply, httplib::Response& res) {
  const Answer& a = reply.answer;
  res.status = a.status;
  if (reply.fault != FaultKind::reset) {
    res.set_content(a.body, a.content_type);
    return;
  }
  // A reset: the headers promise the whole body, part of it goes out, then the provider fails and
  // httplib drops the connection. The client sees the transfer end early ("transfer closed").
  auto body = std::make_shared<std::string>(a.body);
  std::size_t cut = reply.cut_at;
  res.set_content_provider(
      body->size(), a.content_type,
      [body, cut](std::size_t offset, std::size_t, httplib::DataSink& sink) {
        if (offset < cut) sink.write(body->data() + offset, cut - offset);
        return false;
      });
}

void add_routes(httplib::Server& svr, Gateway& gateway, Stopper& stopper) {
  svr.Get(R"(/B551011/.*)", [&](const httplib::Request& req, httplib::Response& res) {
    Reply reply = gateway.handle(req.path, raw_query(req));
    stopper.sleep_ms(reply.latency_ms);
    if (reply.fault == FaultKind::hang) stopper.sleep_ms(reply.hang_ms);
    send_reply(reply, res);
  });
  svr.Get("/stats", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(gateway.stats().dump(), "application/json");
  });
  svr.Post("/reset-stats", [&](const httplib::Request&, httplib::Response& res) {
    gateway.reset_stats();
    res.set_content(R"({"ok":true})", "application/json");
  });
  svr.Post("/control", [&](const httplib::Request& req, httplib::Response& res) {
    auto patch = nlohmann::json::parse(req.body, nullptr, false);
    auto applied = patch.is_discarded() ? Result<void>(make_error("control: 본문이 JSON이 아닙니다"))
                                        : gateway.control(patch);
    res.status = applied ? 200 : 400;
    res.set_content(applied ? R"({"ok":true})"
                            : nlohmann::json{{"ok", false}, {"error", applied.error().message}}.dump(),
                    "application/json");
  });
}

}  // namespace

void block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A client that goes away mid-answer must not kill the server.
  signal(SIGPIPE, SIG_IGN);
}

int run_server(Gateway& gateway, const ServerOptions& options) {
  httplib::Server svr;
  Stopper stopper;
  // Hangs hold a thread each for hang_ms, and benchmark clients keep connections alive.
  svr.new_task_queue = [] { return new httplib::ThreadPool(128); };
  svr.set_keep_alive_max_count(100000);
  svr.set_tcp_nodelay(true);
  add_routes(svr, gateway, stopper);

  int port = options.port == 0 ? svr.bind_to_any_port(options.host)
                               : (svr.bind_to_port(options.host, options.port) ? options.port : -1);
  if (port <= 0) {
    std::fprintf(stderr, "kto-sim: %s:%d에서 들을 수 없습니다\n", options.host.c_str(), options.port);
    return 1;
  }
  std::printf("listening %s:%d\n", options.host.c_str(), port);
  std::fflush(stdout);

  std::atomic<bool> listen_ended{false};
  std::thread waiter([&] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    int sig = 0;
    sigwait(&set, &sig);
    stopper.stop();
    // A signal right after the "listening" line can come before listen_after_bind() has started,
    // and httplib's stop() does nothing until then: wait for the loop, then stop it once.
    while (!listen_ended) {
      if (svr.is_running()) {
        svr.stop();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  svr.listen_after_bind();
  listen_ended = true;
  // listen_after_bind also returns on its own failure: wake a waiter still in sigwait. A signal
  // left pending on a thread that already finished is harmless.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return 0;
}

}  // namespace kto::sim

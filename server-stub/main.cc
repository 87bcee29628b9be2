// recorder-collector: the reference collector. See README.md and --help.
//
// Exit codes: 0 after a clean stop (SIGINT/SIGTERM), 1 if the database or
// the socket cannot be opened, 2 for bad arguments.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <thread>

#include "config.h"
#include "server.h"
#include "store.h"

namespace {

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "recorder-collector: %s\n", message.c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using collector::CollectorConfig;

  CollectorConfig config;
  recorder::Status s = collector::ParseCollectorArgs(argc, argv, &config);
  if (!s.ok()) {
    std::fprintf(stderr, "recorder-collector: %s\n%s", s.message().c_str(),
                 collector::CollectorUsage().c_str());
    return 2;
  }
  if (config.show_help) {
    std::fputs(collector::CollectorUsage().c_str(), stdout);
    return 0;
  }

  const std::filesystem::path parent = std::filesystem::path(config.db_path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return Fail(1, "cannot create " + parent.string() + ": " + ec.message());
  }
  std::unique_ptr<collector::Store> store;
  s = collector::Store::Open(config.db_path, {}, &store);
  if (!s.ok()) return Fail(1, s.message());
  if (config.sites.empty()) {
    std::fprintf(stderr, "recorder-collector: no --site given; every batch will be refused\n");
  }

  // Signals are taken by one thread with sigwait, never by a handler, so
  // stopping the server runs as ordinary code. The mask is set before any
  // other thread exists, so all of httplib's workers inherit it.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client hanging up must not kill the process

  const std::string bind = config.bind;
  collector::CollectorServer server(std::move(config), store.get());
  int port = 0;
  s = server.Bind(&port);
  if (!s.ok()) return Fail(1, s.message());

  std::atomic<bool> finished{false};
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    // Run() may not have entered its accept loop yet, where a stop is lost;
    // repeat until it has returned.
    while (!finished) {
      server.Stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  const bool v6 = bind.find(':') != std::string::npos;
  std::printf("listening on http://%s%s%s:%d\n", v6 ? "[" : "", bind.c_str(), v6 ? "]" : "", port);
  std::fflush(stdout);

  s = server.Run();
  finished = true;
  // Wakes the signal thread if the server ended on its own.
  pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();
  if (!s.ok()) return Fail(1, s.message());
  std::fprintf(stderr, "recorder-collector: stopped\n");
  return 0;
}

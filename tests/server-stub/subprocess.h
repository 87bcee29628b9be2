// subprocess.h: runs the collector's executables from tests (fork + exec),
// for the parts only a real process shows: flags, exit codes, the
// "listening on" line, signal handling.
#ifndef COLLECTOR_TESTS_SUBPROCESS_H_
#define COLLECTOR_TESTS_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace collector_test {

class Subprocess {
 public:
  // Starts argv[0] with argv; stdout is a pipe read by ReadLine/ReadAll,
  // stderr goes to the file `stderr_path`.
  Subprocess(const std::vector<std::string>& argv, const std::string& stderr_path);
  ~Subprocess();  // kills the child if still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // One line of stdout without its '\n'; false on EOF or timeout.
  bool ReadLine(std::string* line, int timeout_ms);
  // The rest of stdout, up to EOF.
  std::string ReadAll(int timeout_ms);
  // The exit status (0-255), 128+N if killed by signal N, or -1 on timeout.
  int Wait(int timeout_ms);

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
  bool reaped_ = false;

  bool Fill(int timeout_ms);
};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs to completion (10 s limit) and collects everything.
RunResult Run(const std::vector<std::string>& argv, const std::string& scratch_dir);

}  // namespace collector_test

#endif  // COLLECTOR_TESTS_SUBPROCESS_H_

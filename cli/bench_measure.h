#pragma once
// What `weft bench` reads about the process and the machine: percentiles of latencies, the peak
// resident memory of a stage (and resetting it), the CPU model and the build type. Linux
// (/proc); functions, no state beyond the process's own. Not thread-safe (ResetPeak).

#include <string>
#include <vector>

namespace weft::cli {

// The p-quantile (0..1) of `v`, nearest rank; 0 for an empty vector.
double Percentile(std::vector<double> v, double p);
// The arithmetic mean of `v`; 0 for an empty vector.
double Mean(const std::vector<double>& v);
// Peak resident memory since the last ResetPeak (VmHWM), in MB; ru_maxrss when /proc is missing.
double PeakRssMb();
// Resident memory high-water mark of the whole process (getrusage ru_maxrss), in MB.
double MaxRssMb();
// Returns freed memory to the system, then resets VmHWM to the current RSS, so the next
// PeakRssMb() is a stage's own peak.
void ResetPeak();
// CPU time (user + system) of the calling thread, and of the whole process, in seconds.
double ThreadCpuSeconds();
double ProcessCpuSeconds();
// "model name" of /proc/cpuinfo, "unknown" when absent.
std::string CpuModel();
// "Release", "optimized with assertions" or "Debug", from how this file was compiled.
const char* BuildType();

}  // namespace weft::cli

#pragma once

// The few CPU-backend settings the front end reaches directly (threads).
namespace ember {
namespace cpu_threads {
int get();
void set(int n);
}  // namespace cpu_threads
}  // namespace ember

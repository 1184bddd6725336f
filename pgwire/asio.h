#pragma once

// Include Boost.Asio through this header. Boost 1.74's asio/awaitable.hpp uses std::exchange
// without including <utility>, which breaks C++20 builds with GCC 12; <utility> must come first.

#include <boost/asio.hpp>
#include <utility>

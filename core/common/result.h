#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace bw {

// An expected failure as a value: a message meant for a person, never an exception.
struct Error
{
    QString message;
};

// Either a value or an Error. C++20 has no std::expected; this is the small part we need.
template<typename T>
class Result
{
public:
    Result(T value) : m_data(std::move(value)) {}
    Result(Error error) : m_data(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_data); }
    T &value() & { return std::get<T>(m_data); }
    T &&value() && { return std::get<T>(std::move(m_data)); }
    const T &operator*() const & { return value(); }
    T &operator*() & { return value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    const QString &error() const { return std::get<Error>(m_data).message; }

private:
    std::variant<T, Error> m_data;
};

// For operations that return nothing but may fail.
struct Done
{};
using Status = Result<Done>;
inline Status success()
{
    return Done{};
}

} // namespace bw

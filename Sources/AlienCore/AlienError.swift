import AlienBridge

/// Why a core entry point could not finish. The adapter turns it into a Lua
/// error after Swift has returned, so no longjmp crosses a Swift frame.
public enum AlienError: Error {
    /// A Lua error with this message.
    case message(String)
    /// The number at this stack index must become a string (Lua's own
    /// conversion, which allocates, so the adapter does it) before a retry.
    case convertToString(Int32)

    /// Hands the error to the adapter and gives the status to return to it.
    func report() -> Int32 {
        switch self {
        case .message(let text):
            alien_lua_seterror(text)
            return ALIEN_ERROR
        case .convertToString(let index):
            return ALIEN_TOSTRING_BASE - index
        }
    }
}

/// Runs a core entry point body, turning a thrown error into a status code.
@inline(__always)
func reportingErrors(_ body: () throws(AlienError) -> Int32) -> Int32 {
    do {
        return try body()
    } catch {
        return error.report()
    }
}

/// "bad argument #2 to 'strlen' (string expected, got table)", as luaL_argerror words it.
func badArgument(_ number: Int, of function: String, _ detail: String) -> AlienError {
    .message("bad argument #\(number) to '\(function)' (\(detail))")
}

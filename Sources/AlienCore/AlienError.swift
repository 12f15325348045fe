import AlienBridge

/// Why a core entry point could not finish. Each case carries the facts;
/// `text` renders them as the message a Lua program sees, and runs only when
/// the error is reported (nothing is formatted on the success path). The
/// adapter raises it after Swift has returned, so no longjmp crosses a Swift frame.
enum AlienError: Error {
    // Arguments: "bad argument #N to 'F' (...)", as luaL_argerror words it.
    /// (`expected` expected, got `got`)
    case wrongType(Int, of: FunctionName, expected: StaticString, got: Got)
    /// A Lua value that cannot become a C `type`: an argument, or what a callback returned.
    case cannotConvert(ValueContext, to: AlienType, got: Got)
    /// Any other fault of an argument.
    case badArgument(Int, of: FunctionName, ArgumentProblem)
    /// A Lua value that cannot become a struct, union or array (SPEC section 13).
    case badValue(ValueContext, CompositeProblem)
    /// A C declaration `alien.cdef` could not read (the text says where).
    case cdef(String)
    /// Any error converting the value of a field of a struct or union given as a table.
    indirect case inField(String, AlienError)

    // Types and signatures.
    /// A type name that names no type; `part` is where in a signature it was.
    case unknownType(String, in: FunctionName, part: SignaturePart? = nil)
    /// `f:types(...)` or `alien.callback(...)` given something that is not a signature.
    case badSignature(FunctionName, SignatureProblem)
    case libffi(LibffiFailure)

    // Calls.
    case notAnAlienFunction
    case nullAddress(FunctionName)
    case noTypes(FunctionName)
    /// `types()` on a function while a call of it is running (a callback of its own).
    case busy(FunctionName)
    case wrongArgumentCount(FunctionName, given: Int, expected: Int)

    // Libraries.
    case library(String, LibraryProblem)

    // Memory: buffers, arrays and struct instances.
    case noMemory(StaticString)
    /// `count` bytes do not fit where `function` wanted them.
    case outOfBounds(StaticString, count: Int64, in: Extent)
    case indexOutOfRange(Int64, length: Int, StaticString)
    case indexNotANumber
    /// `realloc` on memory alien does not own.
    case reallocForeign(array: Bool)
    case outOfMemory(bytes: Int)
    case notAnInstance

    // alien.struct.
    case badFormat(StaticString, FormatProblem)
    case dataTooShort(needed: Int, position: Int, count: Int)
    case unfinishedString(position: Int)
    case packTooLarge
    case sizeTooLarge(StaticString)

    /// Not the user's fault: the number at this stack index must become a
    /// string (Lua's own conversion, which allocates, so the adapter does it)
    /// before a retry.
    case convertToString(Int32)

    /// The function a message names. (Sendable as `Error` asks: an error is
    /// reported on the thread that threw it, while the pointee is on its stack.)
    enum FunctionName: ExpressibleByStringLiteral, @unchecked Sendable {
        /// A module function or method: 'buffer', 'get', 'memmove'...
        case named(StaticString)
        /// An alien function: its symbol's name, or 'anonymous'. The object
        /// is on the stack of the entry point that reports the error.
        case function(UnsafeMutablePointer<FunctionObject>)
        /// `alien.to<type>` for one type: 'toint', 'todouble'...
        case converter(AlienType)

        init(stringLiteral value: StaticString) { self = .named(value) }
    }

    /// What a Lua value turned out to be, for "got ..." in messages.
    enum Got: @unchecked Sendable {
        case noValue
        /// A pointer that was NULL where memory was wanted.
        case null
        /// Lua's name for the value's type (static storage inside Lua).
        case type(UnsafePointer<CChar>)
    }

    /// Who is converting a Lua value to C.
    enum ValueContext {
        /// Argument `n` of an alien function or of a module function or method (`set`).
        case argument(Int, of: FunctionName)
        /// The value returned by a callback's Lua function.
        case callbackResult
    }

    enum ArgumentProblem {
        /// "`what` must be from `low` to `high`"
        case outOfRange(StaticString, from: Int, to: Int)
        /// "`what` must not be negative"
        case negative(StaticString)
        /// A fixed explanation, e.g. "size expected (a number from 0)".
        case note(StaticString)
        /// A defstruct field whose type is not a name.
        case fieldType(Int32, got: Got)
        case bufferSmallerThanStruct(size: Int, structSize: Int)
        case bufferTooSmall(size: Int, count: Int64, of: AlienType)
        /// A `c<n>` item given a shorter string.
        case stringTooShort(length: Int, chars: Int)
        case sizeBeyondBuffer(Int64, buffer: Int)
        case positionOutside(Int64, count: Int)
        case itemNotInFormat(Int64, has: Int64)
        case composite(CompositeProblem)
    }

    /// Struct, union and array types and values (SPEC section 13).
    enum CompositeProblem {
        case fieldName(Int32)
        case fieldTypeNotAllowed(Int32)
        case duplicateField(String)
        case badCount(Int32)
        case badPack
        case tooLarge
        case unknownField(String)
        case missingField(String)
        /// A union given as a table must name exactly one member.
        case unionMembers(Int)
        /// What a struct, union or array value must be.
        case expected(StaticString, got: Got)
        case otherType(StaticString)
        case notByValue
        case tooManyValues(Int)
        case tooDeep
        /// A variable argument (`...`) with no C type to promote it to.
        case noPromotion(got: Got)
    }

    /// Where in a signature a type name was.
    enum SignaturePart {
        case returnType
        case argument(Int)
    }

    enum SignatureProblem {
        case notATypeName(SignaturePart, got: Got)
        case voidArgument(Int)
        /// A `ref T` return type: C returns values, not references to temporaries.
        case refReturn
        case tooManyArguments(Int)
        case abiNotAString(got: Got)
        case unknownABI(String)
        case notByValue(SignaturePart)
        case variadicNotLast
        case variadicCallback
    }

    enum LibffiFailure {
        case signature(FunctionName)
        case closure
        case closureAllocation
    }

    enum LibraryProblem {
        case cannotLoad(reason: String)
        case closed
        case symbolNotFound(String, reason: String)
    }

    /// The memory an out-of-bounds access was checked against.
    enum Extent {
        /// One of alien's buffers, at a 1-based offset when the access had one.
        case buffer(offset: Int64?, size: Int)
        case string(length: Int)
    }

    enum FormatProblem {
        case alignment(Int)
        case integralSize(Int)
        case option(UInt8)
        case sizeLimit
        case c0WithoutSize
        /// `s` (or `c0` when false) where a fixed size is needed.
        case noFixedSize(string: Bool)
    }
}

// MARK: - Rendering: the one place messages are worded

extension AlienError {
    /// The message the Lua program sees.
    var text: String {
        switch self {
        case .wrongType(let number, let function, let expected, let got):
            return Self.badArgument(number, function, Self.expected(expected.text, got: got))
        case .cannotConvert(.argument(let number, let function), let type, let got):
            return Self.badArgument(number, function, Self.expected(Self.expectation(type), got: got))
        case .cannotConvert(.callbackResult, let type, let got):
            return "alien: callback returned \(got.text) where \(Self.expectation(type)) was expected"
        case .badArgument(let number, let function, let problem):
            return Self.badArgument(number, function, problem.text)
        case .badValue(.argument(let number, let function), let problem):
            return Self.badArgument(number, function, problem.text)
        case .badValue(.callbackResult, let problem):
            return "alien: bad callback result (\(problem.text))"
        case .cdef(let text):
            return text
        case .inField(let path, let error):
            return "\(error.text) in field '\(path)'"
        case .unknownType(let name, let function, let part):
            let context = part.map { "\($0.text) of '\(function.text)'" } ?? "'\(function.text)'"
            let shown = name.utf8.count > 80 ? String(decoding: name.utf8.prefix(77), as: UTF8.self) + "..." : name
            return "alien: unknown type '\(shown)' in \(context) (valid types: \(AlienType.validNames))"
        case .badSignature(let function, let problem):
            return problem.text(function.text)
        case .libffi(.signature(let function)):
            return "alien: libffi cannot prepare the signature of '\(function.text)'"
        case .libffi(.closure):
            return "alien: libffi cannot prepare the callback"
        case .libffi(.closureAllocation):
            return "alien: cannot allocate a callback closure"
        case .notAnAlienFunction:
            return "alien: attempt to call something that is not an alien function"
        case .nullAddress(let function):
            return "alien: function '\(function.text)' has a NULL address"
        case .noTypes(let function):
            return "alien: function '\(function.text)' has no types; call f:types(...) first"
        case .busy(let function):
            return "alien: cannot change the types of '\(function.text)' while a call of it is running"
        case .wrongArgumentCount(let function, let given, let expected):
            return "alien: too \(given < expected ? "few" : "many") arguments (function \(function.text))"
        case .library(let name, .cannotLoad(let reason)):
            return "alien: cannot load library '\(name)': \(reason)"
        case .library(let name, .closed):
            return "alien: library '\(name)' is closed"
        case .library(let name, .symbolNotFound(let symbol, let reason)):
            return "alien: symbol '\(symbol)' not found in library '\(name)' (\(reason))"
        case .noMemory(let function):
            return "alien: '\(function.text)' on a buffer with no memory"
        case .outOfBounds(let function, let count, let extent):
            return "alien: '\(function.text)' out of bounds: \(extent.text(count: count))"
        case .indexOutOfRange(let index, let length, let function):
            return "alien: array index \(index) out of range 1..\(length) ('\(function.text)')"
        case .indexNotANumber:
            return "alien: array index must be a number"
        case .reallocForeign(let array):
            return array ? "alien: 'realloc' on an array over foreign memory"
                         : "alien: 'realloc' on a buffer of foreign memory"
        case .outOfMemory(let bytes):
            return "alien: 'realloc' out of memory for \(bytes) bytes"
        case .notAnInstance:
            return "alien: not a struct instance"
        case .badFormat(let function, let problem):
            return "alien: bad format for '\(function.text)': \(problem.text)"
        case .dataTooShort(let needed, let position, let count):
            return "alien: 'unpack': data too short (\(needed) byte(s) at position \(position), data of \(count) bytes)"
        case .unfinishedString(let position):
            return "alien: 'unpack': unfinished string in data at position \(position)"
        case .packTooLarge:
            return "alien: 'pack' result too large"
        case .sizeTooLarge(let function):
            return "alien: '\(function.text)': size too large"
        case .convertToString(let index):
            return "alien: value #\(index) must be converted to a string"
        }
    }

    /// "bad argument #2 to 'strlen' (string expected, got table)", as luaL_argerror words it.
    private static func badArgument(_ number: Int, _ function: FunctionName, _ detail: String) -> String {
        "bad argument #\(number) to '\(function.text)' (\(detail))"
    }

    private static func expected(_ expected: String, got: Got) -> String {
        "\(expected) expected, got \(got.text)"
    }

    /// What a Lua value must be to become a C `type`.
    private static func expectation(_ type: AlienType) -> String {
        switch type {
        case .string: return "string, buffer, userdata or nil"
        case .pointer: return "userdata, buffer, string or nil"
        case .callback: return "callback, alien function or nil"
        default: return "\(type.name) (a number)"
        }
    }

    /// This error, met converting `field`: the message names the field
    /// (nested fields as a dotted path, outermost first).
    func inField(_ field: alien_cfield) -> AlienError {
        let name = String(cString: field.name)
        if case .inField(let path, let inner) = self { return .inField(name + "." + path, inner) }
        if case .convertToString = self { return self }
        return .inField(name, self)
    }

    /// Hands the error to the adapter and gives the status to return to it.
    func report() -> Int32 {
        if case .convertToString(let index) = self { return ALIEN_TOSTRING_BASE - index }
        alien_lua_seterror(text)
        return ALIEN_ERROR
    }
}

extension AlienError.FunctionName {
    var text: String {
        switch self {
        case .named(let name): return name.text
        case .function(let function): return function.pointee.displayName
        case .converter(let type): return "to\(type.name)"
        }
    }
}

extension AlienError.Got {
    var text: String {
        switch self {
        case .noValue: return "no value"
        case .null: return "NULL"
        case .type(let name): return String(cString: name)
        }
    }
}

extension AlienError.ArgumentProblem {
    var text: String {
        switch self {
        case .outOfRange(let what, let low, let high): return "\(what.text) must be from \(low) to \(high)"
        case .negative(let what): return "\(what.text) must not be negative"
        case .note(let note): return note.text
        case .fieldType(let field, let got): return "field #\(field) needs a type name, got \(got.text)"
        case .bufferSmallerThanStruct(let size, let structSize):
            return "buffer of \(size) bytes is smaller than the struct's \(structSize)"
        case .bufferTooSmall(let size, let count, let type):
            return "buffer of \(size) bytes is too small for \(count) \(type.name)"
        case .stringTooShort(let length, let chars): return "string of \(length) bytes is shorter than c\(chars)"
        case .sizeBeyondBuffer(let size, let buffer): return "size \(size) is larger than the buffer's \(buffer) bytes"
        case .positionOutside(let position, let count): return "position \(position) is outside the data (\(count) bytes)"
        case .itemNotInFormat(let item, let values): return "item \(item) is not in the format (it has \(values))"
        case .composite(let problem): return problem.text
        }
    }
}

extension AlienError.CompositeProblem {
    var text: String {
        switch self {
        case .fieldName(let field): return "field #\(field) needs a name"
        case .fieldTypeNotAllowed(let field): return "field #\(field) cannot be void or a ref type"
        case .duplicateField(let name): return "field '\(name)' is defined twice"
        case .badCount(let field): return "field #\(field): the array length must be a whole number from 1"
        case .badPack: return "pack must be 1, 2, 4 or 8"
        case .tooLarge: return "type larger than 2147483647 bytes"
        case .unknownField(let name): return "unknown field '\(name)'"
        case .missingField(let name): return "field '\(name)' missing"
        case .unionMembers(let count): return "a union takes exactly one member, got \(count)"
        case .expected(let what, let got): return "\(what.text) instance or table expected, got \(got.text)"
        case .otherType(let what): return "instance of another \(what.text) type"
        case .notByValue: return "a packed struct with misaligned fields cannot be passed by value"
        case .tooManyValues(let length): return "more than \(length) values for an array of \(length)"
        case .tooDeep: return "values nested too deeply"
        case .noPromotion(let got): return "\(got.text) cannot be passed as a variable argument (see alien.vararg)"
        }
    }
}

extension AlienError.SignaturePart {
    var text: String {
        switch self {
        case .returnType: return "return type"
        case .argument(let number): return "argument #\(number)"
        }
    }
}

extension AlienError.SignatureProblem {
    func text(_ function: String) -> String {
        switch self {
        case .notATypeName(let part, let got): return "alien: \(part.text) of '\(function)' must be a type name, got \(got.text)"
        case .voidArgument(let number): return "alien: argument #\(number) of '\(function)' cannot be void"
        case .refReturn: return "alien: the return type of '\(function)' cannot be a ref type (use pointer)"
        case .tooManyArguments(let count):
            return "alien: '\(function)' has \(count) arguments; at most \(ALIEN_MAXARGS) are supported"
        case .abiNotAString(let got): return "alien: abi of '\(function)' must be a string, got \(got.text)"
        case .unknownABI(let name): return "alien: unknown abi '\(name)' for '\(function)' (valid: default, cdecl, stdcall)"
        case .notByValue(let part):
            return "alien: \(part.text) of '\(function)' cannot be passed by value (a packed struct with misaligned fields, or larger than 64 KiB)"
        case .variadicNotLast: return "alien: '...' must be the last argument type of '\(function)'"
        case .variadicCallback: return "alien: a callback cannot be variadic ('...')"
        }
    }
}

extension AlienError.Extent {
    func text(count: Int64) -> String {
        switch self {
        case .buffer(let offset?, let size): return "offset \(offset), \(count) byte(s), buffer of \(size) bytes"
        case .buffer(nil, let size): return "\(count) byte(s), buffer of \(size) bytes"
        case .string(let length): return "\(count) byte(s) from a string of \(length)"
        }
    }
}

extension AlienError.FormatProblem {
    var text: String {
        switch self {
        case .alignment(let alignment): return "alignment \(alignment) is not a power of 2"
        case .integralSize(let size): return "integral size \(size) is not from 1 to 8"
        case .option(let byte):
            guard byte >= 32 && byte < 127 else { return "invalid format option byte \(byte)" }
            return "invalid format option '\(String(decoding: CollectionOfOne(byte), as: UTF8.self))'"
        case .sizeLimit: return "size is larger than \(StructFormat.sizeLimit)"
        case .c0WithoutSize: return "'c0' needs a previous size"
        case .noFixedSize(let string): return "'\(string ? "s" : "c0")' has no fixed size"
        }
    }
}

extension StaticString {
    /// The text, for messages (no reflection: the UTF-8 bytes as they are).
    var text: String { withUTF8Buffer { String(decoding: $0, as: UTF8.self) } }
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

/// The same for an entry point that reads the Lua stack of `state`.
@inline(__always)
func reportingErrors(_ state: OpaquePointer, _ body: (LuaStack) throws(AlienError) -> Int32) -> Int32 {
    reportingErrors { () throws(AlienError) -> Int32 in try body(LuaStack(state)) }
}

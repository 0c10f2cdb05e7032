/// Something an IVR says: a sound file, digits, a number, a date, or a pause.
public enum IVRPrompt: Sendable, Hashable {
    /// A sound file (`main-menu`).
    case sound(String)
    /// Digits read one by one.
    case digits(String)
    /// A number read as a number.
    case number(Int)
    /// A date (seconds since 1970).
    case date(Int)
    /// Silence (during which a key still counts).
    case silence(Duration)
}

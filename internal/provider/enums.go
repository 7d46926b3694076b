package provider

// enumValue is one allowed value of an enum type: its name in the SDKs
// (the Go constant without the type's name), its value and description.
type enumValue struct {
	Name, Value, Description string
}

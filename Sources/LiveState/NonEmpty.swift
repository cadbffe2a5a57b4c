/// nil for an empty string: kubeconfig fields written empty mean "not set".
func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }

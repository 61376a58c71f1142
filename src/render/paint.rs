//! ANSI colour for text output, switched off as a whole when not wanted.

pub(crate) struct Paint {
    pub(crate) on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    pub(crate) fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    pub(crate) fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    pub(crate) fn rule(&self, s: &str) -> String {
        self.wrap("36", s)
    }
    pub(crate) fn good(&self, s: &str) -> String {
        self.wrap("32", s)
    }
    pub(crate) fn bad(&self, s: &str) -> String {
        self.wrap("31", s)
    }
}

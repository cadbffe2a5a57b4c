// `Secret` is in its own module so that Delivery and DesiredState hold credentials in the same
// type without depending on LiveState; every user of LiveState keeps seeing it.
@_exported import Secrets

// Credentials and webhook URLs are `Secret`s; users of Delivery build them.
@_exported import Secrets

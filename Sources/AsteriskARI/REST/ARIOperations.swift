/// Every ARI REST operation as a function that builds an ``ARIRequest``, one namespace per resource
/// (`ARIOperations.Channels.originate(endpoint:…)`); generated from ARI's API description.
public enum ARIOperations {}

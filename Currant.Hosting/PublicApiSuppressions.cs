using System.Diagnostics.CodeAnalysis;

// RS0026 guards an API that has shipped: a new overload with optional parameters beside another can make an old call
// site ambiguous. These two shipped together in the first public API and differ in a required parameter (the name).
[assembly: SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "First public API; the overloads differ in a required parameter.", Scope = "member", Target = "~M:Currant.Hosting.CurrantBuilder.AddWorker(System.Action{Currant.Hosting.HostedWorkerOptions})~Currant.Hosting.CurrantBuilder")]
[assembly: SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "First public API; the overloads differ in a required parameter.", Scope = "member", Target = "~M:Currant.Hosting.CurrantBuilder.AddWorker(System.String,System.Action{Currant.Hosting.HostedWorkerOptions})~Currant.Hosting.CurrantBuilder")]

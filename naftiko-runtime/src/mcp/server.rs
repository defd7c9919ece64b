//! [`McpServer`]: the tool table, the dispatcher and the handlers it calls, as an rmcp `ServerHandler`.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use rmcp::ServerHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ErrorData, GetPromptRequestParams, GetPromptResponse, Implementation, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams, PromptsCapability, ReadResourceRequestParams,
    ReadResourceResponse, ResourcesCapability, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{MaybeSendFuture, RequestContext, RoleServer};
use serde_json::{Map, Value};

use crate::mcp::prompts::Prompts;
use crate::mcp::resources::Resources;
use crate::mcp::{
    Arguments, BoxError, Dispatch, PromptSpec, ReadDispatch, ResourceSpec, ServerSpec, ToolError, ToolFuture, ToolSpec, validate_arguments,
};

/// A generated capability's MCP server: the tool table, the dispatcher and the `Handlers` it calls.
/// Cheap to clone (rmcp's Streamable HTTP service makes one for each request it serves).
///
/// Not generic over the handlers: they are captured with the dispatcher, so rmcp's service, the
/// transports and the `/mcp` endpoint are compiled once, here, instead of in every generated crate.
pub struct McpServer {
    inner: Arc<Inner>,
}

/// The dispatcher with its handlers captured: `None` for a tool name it does not know.
type ErasedDispatch = Box<dyn Fn(&str, Arguments) -> Option<ToolFuture> + Send + Sync>;

struct Inner {
    info: ServerConfig,
    tools: Vec<Entry>,
    by_name: HashMap<&'static str, usize>,
    dispatch: ErasedDispatch,
    resources: Resources,
    prompts: Prompts,
}

struct Entry {
    tool: Tool,
    schema: Value,
}

impl Clone for McpServer {
    fn clone(&self) -> Self {
        McpServer { inner: Arc::clone(&self.inner) }
    }
}

impl fmt::Debug for McpServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpServer")
            .field("name", &self.inner.info.server_info.name)
            .field("tools", &self.inner.tools.iter().map(|e| e.tool.name.as_ref()).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl McpServer {
    /// The server of `tools`, each call going to `dispatch` with `handlers`.
    pub fn new<H: Send + Sync + 'static>(handlers: Arc<H>, server: &ServerSpec, tools: &'static [ToolSpec], dispatch: Dispatch<H>) -> Self {
        McpServer::builder(handlers, server, tools, dispatch).build()
    }

    /// A server of `tools`, to which resources and prompts can be added.
    pub fn builder<H: Send + Sync + 'static>(
        handlers: Arc<H>,
        server: &ServerSpec,
        tools: &'static [ToolSpec],
        dispatch: Dispatch<H>,
    ) -> McpServerBuilder<H> {
        McpServerBuilder { handlers, server: *server, tools, dispatch, resources: Resources::none(), prompts: Prompts::new(&[]) }
    }

    /// The files the server reads that are missing (static resource directories, prompt files), each
    /// named with its resource or prompt.
    pub fn missing_files(&self) -> Vec<String> {
        let mut missing = self.inner.resources.missing();
        missing.extend(self.inner.prompts.missing());
        missing
    }

    /// An error naming every missing file ([`McpServer::missing_files`]): what a binary checks before it
    /// serves (relative locations are read from the working directory or `serve --root`).
    pub fn require_files(&self) -> Result<(), BoxError> {
        match self.missing_files() {
            missing if missing.is_empty() => Ok(()),
            missing => Err(format!("the MCP server reads files that are not there: {}", missing.join("; ")).into()),
        }
    }

    /// Whether `name` is one of the tools.
    pub fn has_tool(&self, name: &str) -> bool {
        self.inner.by_name.contains_key(name)
    }

    /// The tools as `tools/list` advertises them.
    pub fn tools(&self) -> Vec<Tool> {
        self.inner.tools.iter().map(|e| e.tool.clone()).collect()
    }

    /// The `tools/list` result (every tool, no pagination); shared by both transports.
    pub(crate) fn list_tools_result(&self) -> ListToolsResult {
        ListToolsResult::with_all_items(self.tools())
    }

    /// A `tools/call` request's result; shared by both transports.
    pub(crate) async fn call_tool_params(&self, request: CallToolRequestParams) -> Result<CallToolResult, ErrorData> {
        let arguments = request.arguments.unwrap_or_default();
        self.call(&request.name, arguments).await
    }

    /// Runs one tool call: unknown tool → protocol error (invalid params); arguments that do not fit
    /// the input schema → `isError` result, with nothing sent upstream; otherwise the tool's result.
    pub async fn call(&self, name: &str, arguments: Map<String, Value>) -> Result<CallToolResult, ErrorData> {
        // The table's own name (`'static`), for what outlives the request (metrics, traces).
        let Some((name, entry)) = self.inner.by_name.get_key_value(name).and_then(|(&name, &i)| Some((name, self.inner.tools.get(i)?))) else {
            return Err(ErrorData::invalid_params(format!("unknown tool `{name}`"), None));
        };
        let start = Instant::now();
        if let Err(problems) = validate_arguments(&entry.schema, &arguments) {
            tracing::info!(tool = name, "tool call rejected: the arguments do not match the input schema");
            #[cfg(feature = "control")]
            crate::control::tool_call(name, start, Some("invalid_arguments"));
            return Ok(ToolError::new(format!("invalid arguments for `{name}`: {problems}")).into_result());
        }
        let Some(future) = (self.inner.dispatch)(name, Arguments::new(arguments)) else {
            return Err(ErrorData::internal_error(format!("tool `{name}` is listed but has no implementation"), None));
        };
        let result = future.await.unwrap_or_else(ToolError::into_result);
        // Never the arguments or the result: either may carry data the operator must not log.
        tracing::info!(tool = name, is_error = result.is_error == Some(true), micros = start.elapsed().as_micros() as u64, "tool call");
        #[cfg(feature = "control")]
        crate::control::tool_call(name, start, (result.is_error == Some(true)).then_some("handled_error"));
        Ok(result)
    }
}

/// Builds an [`McpServer`]: its tools, then its resources and prompts.
pub struct McpServerBuilder<H> {
    handlers: Arc<H>,
    server: ServerSpec,
    tools: &'static [ToolSpec],
    dispatch: Dispatch<H>,
    resources: Resources,
    prompts: Prompts,
}

impl<H: Send + Sync + 'static> McpServerBuilder<H> {
    /// Its resources, those read from upstream going to `read` with the handlers. Relative file
    /// locations are resolved now, against [`crate::mcp::files::root`].
    #[must_use]
    pub fn resources(mut self, resources: &'static [ResourceSpec], read: ReadDispatch<H>) -> Self {
        let handlers = Arc::clone(&self.handlers);
        self.resources = Resources::new(resources, Box::new(move |name, arguments| read(Arc::clone(&handlers), name, arguments)));
        self
    }

    /// Its prompts.
    #[must_use]
    pub fn prompts(mut self, prompts: &'static [PromptSpec]) -> Self {
        self.prompts = Prompts::new(prompts);
        self
    }

    pub fn build(self) -> McpServer {
        let McpServerBuilder { handlers, server, tools, dispatch, resources, prompts } = self;
        let mut implementation = Implementation::new(server.name, server.version);
        if let Some(title) = server.title {
            implementation = implementation.with_title(title);
        }
        // What `initialize` advertises: tools always, resources and prompts when there are some.
        let mut capabilities = ServerCapabilities::builder().enable_tools().build();
        if !resources.is_empty() {
            capabilities.resources = Some(ResourcesCapability::default());
        }
        if !prompts.is_empty() {
            capabilities.prompts = Some(PromptsCapability::default());
        }
        let mut info = ServerConfig::new(capabilities).with_server_info(implementation);
        if let Some(instructions) = server.instructions {
            info = info.with_instructions(instructions);
        }
        let entries: Vec<Entry> = tools
            .iter()
            .map(|spec| {
                let tool = spec.to_tool();
                let schema = Value::Object(tool.input_schema.as_ref().clone());
                Entry { tool, schema }
            })
            .collect();
        let by_name = tools.iter().enumerate().map(|(i, spec)| (spec.name, i)).collect();
        let dispatch: ErasedDispatch = Box::new(move |tool, arguments| dispatch(Arc::clone(&handlers), tool, arguments));
        McpServer { inner: Arc::new(Inner { info, tools: entries, by_name, dispatch, resources, prompts }) }
    }
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        self.inner.info.clone()
    }

    fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> impl Future<Output = Result<ListToolsResult, ErrorData>> + MaybeSendFuture + '_ {
        std::future::ready(Ok(self.list_tools_result()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.inner.by_name.get(name).and_then(|&i| self.inner.tools.get(i)).map(|e| e.tool.clone())
    }

    async fn call_tool(&self, request: CallToolRequestParams, _context: RequestContext<RoleServer>) -> Result<CallToolResponse, ErrorData> {
        self.call_tool_params(request).await.map(CallToolResponse::from)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(self.inner.resources.list().await))
    }

    fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> impl Future<Output = Result<ListResourceTemplatesResult, ErrorData>> + MaybeSendFuture + '_ {
        std::future::ready(Ok(ListResourceTemplatesResult::with_all_items(self.inner.resources.templates())))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let start = Instant::now();
        let read = self.inner.resources.read(&request.uri).await;
        // Neither the URI (its variables are arguments) nor the contents: either may carry data the operator must not log.
        tracing::info!(is_error = read.is_err(), micros = start.elapsed().as_micros() as u64, "resource read");
        read.map(ReadResourceResponse::from)
    }

    fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> impl Future<Output = Result<ListPromptsResult, ErrorData>> + MaybeSendFuture + '_ {
        std::future::ready(Ok(ListPromptsResult::with_all_items(self.inner.prompts.list())))
    }

    async fn get_prompt(&self, request: GetPromptRequestParams, _context: RequestContext<RoleServer>) -> Result<GetPromptResponse, ErrorData> {
        self.inner.prompts.get(&request.name, request.arguments).await.map(GetPromptResponse::from)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use rmcp::ServerHandler as _;
    use serde_json::json;

    use super::*;
    use crate::mcp::test_support::*;

    #[tokio::test]
    async fn calls_are_validated_before_dispatch() {
        let (handlers, server) = server();
        let missing = server.call("get-snapshot", args(json!({"per_page": 2}))).await.unwrap();
        assert_eq!(missing.is_error, Some(true));
        assert_eq!(wire(&missing)["content"][0]["text"], "invalid arguments for `get-snapshot`: missing required argument `zone`");
        assert_eq!(handlers.calls.load(Ordering::SeqCst), 0, "nothing may be sent upstream");

        let ok = server.call("get-snapshot", args(json!({"zone": "fr-par-1"}))).await.unwrap();
        assert_eq!(ok.structured_content, Some(json!({"zone": "fr-par-1"})));
        assert_eq!(handlers.calls.load(Ordering::SeqCst), 1);

        let unknown = server.call("nope", Map::new()).await.unwrap_err();
        assert_eq!(unknown.code, rmcp::model::ErrorCode::INVALID_PARAMS);
        let unimplemented = server.call("plain", Map::new()).await.unwrap_err();
        assert_eq!(unimplemented.code, rmcp::model::ErrorCode::INTERNAL_ERROR);
    }

    #[test]
    fn resources_and_prompts_are_advertised_only_when_declared() {
        let (_, with) = server();
        let with = serde_json::to_value(with.get_info()).unwrap();
        assert!(with["capabilities"]["resources"].is_object() && with["capabilities"]["prompts"].is_object(), "{with}");
        let without = McpServer::new(Arc::new(Counting::default()), &SERVER, TOOLS, dispatch);
        let without = serde_json::to_value(without.get_info()).unwrap();
        assert!(without["capabilities"].get("resources").is_none() && without["capabilities"].get("prompts").is_none(), "{without}");
        assert!(without["capabilities"]["tools"].is_object());
    }

    #[test]
    fn server_info_names_the_expose() {
        let (_, server) = server();
        let info = serde_json::to_value(server.get_info()).unwrap();
        assert_eq!(info["serverInfo"]["name"], "snapshots-mcp");
        assert_eq!(info["serverInfo"]["title"], "Snapshots");
        assert_eq!(info["instructions"], "Use the tools.");
        assert!(info["capabilities"]["tools"].is_object());
        assert!(server.get_tool("get-snapshot").is_some());
        assert!(server.get_tool("nope").is_none());
    }
}

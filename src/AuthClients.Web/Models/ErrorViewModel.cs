namespace AuthClients.Web.Models;

public sealed record ErrorViewModel(int StatusCode, string RequestId)
{
    public string Title => StatusCode switch
    {
        403 => "You do not have permission to do this",
        404 => "Not found",
        400 => "The request could not be understood",
        < 500 => "The request could not be handled",
        503 => "The service is briefly unavailable",
        _ => "Something went wrong",
    };

    public string Explanation => StatusCode switch
    {
        403 => "Your account does not have the permission this page needs. Ask an administrator to grant it to you or to one of your groups.",
        404 => "The page or item you asked for does not exist. It may have been deleted.",
        400 => "The form may have expired. Go back, reload the page and try again.",
        < 500 => "Go back, reload the page and try again. If it keeps happening, give the administrator the reference below.",
        503 => "The database cannot be reached at the moment, typically for a restart that takes a few seconds. Reload the page in a moment; if you were saving a change, check afterwards that it was saved.",
        _ => "The error has been logged. Try again, and if it keeps happening, give the administrator the reference below.",
    };
}

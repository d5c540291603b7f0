using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Assistant.Core;

/// <summary>Options validation for the settings classes, which check themselves and throw an <see cref="ArgumentException"/> naming the key.</summary>
public static class SettingsValidation
{
    /// <summary>Binds <typeparamref name="T"/> from <paramref name="section"/>, validated by <paramref name="validate"/> on first use and at start-up.</summary>
    public static OptionsBuilder<T> AddValidatedSettings<T>(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration,
        string section, Action<T> validate) where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new SelfValidation<T>(validate));
        return services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }

    private sealed class SelfValidation<T>(Action<T> validate) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            try
            {
                validate(options);
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException e)
            {
                return ValidateOptionsResult.Fail(e.Message);
            }
        }
    }
}
